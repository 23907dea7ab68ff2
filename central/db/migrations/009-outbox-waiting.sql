-- What each register last said its outbox still holds (`sync:status`), and
-- when: the console's "events waiting on the register" (issue 14 §3).
ALTER TABLE registers ADD COLUMN outbox_waiting bigint;
ALTER TABLE registers ADD COLUMN waiting_reported_at bigint;

-- The service's epoch (issue #14 §2): sent with every push, so a register
-- can tell a restored or new service database (whose push ids start again)
-- from a duplicate. `fingerprint` is what identifies this copy of the data
-- (cluster id, timeline, database oid); when it changes at start, the data
-- was restored or copied and the epoch moves on (central/db/epoch.ts).
CREATE TABLE service_epoch (
  id          integer PRIMARY KEY CHECK (id = 1),
  epoch       text NOT NULL,
  fingerprint text NOT NULL,
  changed_at  bigint NOT NULL
);

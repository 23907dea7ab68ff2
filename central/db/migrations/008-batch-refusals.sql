-- Batches the service refused (invalid, gap, conflict, internal), one row per
-- register so a register retrying a refused batch cannot grow the table: how
-- many, the last one's answer and when. For the console (issue 14 §3).
CREATE TABLE register_refusals (
  register      bigint PRIMARY KEY REFERENCES registers(id),
  refusals      bigint NOT NULL DEFAULT 0,
  last_code     text NOT NULL,
  expected_seq  bigint,
  last_at       bigint NOT NULL
);

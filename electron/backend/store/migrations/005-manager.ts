/**
 * 005: the manager console — an append-only log of every manager action
 * (who, when, what), and the indexes its dashboard and reports need:
 *  - ledger, orders and entries by time (day-by-day figures, date-range
 *    reports, the order rate of the last 7 / 30 days);
 *  - a covering partial index over the waiting line, so "what is owed ahead
 *    of the tail" is one aggregate read from the index alone, even with a
 *    million entries waiting.
 */
export const managerSchema = /* sql */ `
CREATE TABLE manager_audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  -- The manager whose PIN approved the action (NULL for a wrong PIN).
  manager_id  TEXT REFERENCES cashiers(id),
  -- Who was signed in at the register when it happened.
  cashier_id  TEXT,
  action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
  -- JSON: what changed (old → new per field; secrets only as "(changed)").
  detail      TEXT NOT NULL CHECK (json_valid(detail))
) STRICT;
CREATE INDEX manager_audit_by_at ON manager_audit (at);

CREATE TRIGGER manager_audit_is_append_only_update BEFORE UPDATE ON manager_audit
BEGIN SELECT RAISE(ABORT, 'the manager audit log is append-only: rows are never changed'); END;
CREATE TRIGGER manager_audit_is_append_only_delete BEFORE DELETE ON manager_audit
BEGIN SELECT RAISE(ABORT, 'the manager audit log is append-only: rows are never deleted'); END;

CREATE INDEX ledger_by_at ON ledger (queue_id, at);
CREATE INDEX orders_by_paid_at ON orders (queue_id, paid_at);
CREATE INDEX entries_by_joined_at ON entries (queue_id, joined_at);
`;

/**
 * 004: the counter — cashiers (PINs as salted scrypt hashes only), shifts
 * (at most one open per register), refunds as the counter saw them (who,
 * which shift, who approved, how much cash went back), the persisted PIN
 * lockout, the register's daily order numbers, and the ratio steps each
 * checkout showed (so "why 130 %?" can be answered later).
 */
export const counterSchema = /* sql */ `
CREATE TABLE cashiers (
  id         TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 40),
  role       TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
  -- scrypt$N$r$p$salt(base64)$hash(base64): never the PIN itself.
  pin_hash   TEXT NOT NULL CHECK (pin_hash GLOB 'scrypt$*'),
  created_at INTEGER NOT NULL,
  created_by TEXT REFERENCES cashiers(id)
) STRICT;

CREATE TABLE shifts (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  register_id       TEXT NOT NULL,
  cashier_id        TEXT NOT NULL REFERENCES cashiers(id),
  opened_at         INTEGER NOT NULL,
  opening_float_fen INTEGER NOT NULL CHECK (opening_float_fen BETWEEN 0 AND 1000000000),
  closed_at         INTEGER,
  closed_by         TEXT REFERENCES cashiers(id),
  counted_cash_fen  INTEGER CHECK (counted_cash_fen BETWEEN 0 AND 1000000000),
  -- The Z report as printed at close: a closed shift's report never changes.
  z_report          TEXT CHECK (z_report IS NULL OR json_valid(z_report)),
  CHECK ((closed_at IS NULL) = (counted_cash_fen IS NULL)),
  CHECK ((closed_at IS NULL) = (closed_by IS NULL)),
  CHECK ((closed_at IS NULL) = (z_report IS NULL)),
  CHECK (closed_at IS NULL OR closed_at >= opened_at)
) STRICT;
-- A register has at most one open shift.
CREATE UNIQUE INDEX shifts_one_open ON shifts (register_id) WHERE closed_at IS NULL;
CREATE INDEX orders_by_shift ON orders (shift_id) WHERE shift_id IS NOT NULL;

CREATE TABLE refunds (
  queue_id    TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  shift_id    INTEGER NOT NULL REFERENCES shifts(id),
  cashier_id  TEXT NOT NULL REFERENCES cashiers(id),
  approved_by TEXT NOT NULL REFERENCES cashiers(id),
  at          INTEGER NOT NULL,
  amount_fen  INTEGER NOT NULL CHECK (amount_fen >= 0),
  -- The part handed back in cash (the order's cash net of change).
  cash_fen    INTEGER NOT NULL CHECK (cash_fen BETWEEN 0 AND amount_fen),
  PRIMARY KEY (queue_id, order_id),
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id)
) STRICT;
CREATE INDEX refunds_by_shift ON refunds (shift_id);

-- Wrong PIN tries: 5 in a row lock the scope for 5 minutes, across restarts.
CREATE TABLE pin_lockouts (
  scope        TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL CHECK (failures >= 0),
  locked_until INTEGER
) STRICT;

-- <registerId>-<yyyymmdd>-<000001>: the last number used per local day.
CREATE TABLE order_numbers (
  register_id TEXT NOT NULL,
  day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  last        INTEGER NOT NULL CHECK (last BETWEEN 1 AND 999999),
  PRIMARY KEY (register_id, day)
) STRICT;

CREATE TABLE checkout_details (
  queue_id    TEXT NOT NULL,
  order_id    TEXT NOT NULL,
  ratio_steps TEXT NOT NULL CHECK (json_valid(ratio_steps)),
  PRIMARY KEY (queue_id, order_id),
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id)
) STRICT;
`;

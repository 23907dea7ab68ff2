/**
 * 001: the queue-rebate core — queues, members, orders, entries, the
 * append-only ledger, the outbox and the settings audit log.
 *
 * Money columns are INTEGER fen with CHECKs (STRICT tables refuse reals and
 * text), so a bug that tries to store 12.5 or −1 fen aborts the transaction
 * instead of corrupting the books.
 */
export const coreSchema = /* sql */ `
CREATE TABLE app_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE queues (
  id                TEXT PRIMARY KEY,
  base_settings     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(base_settings)),
  cashier_settings  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(cashier_settings)),
  next_seq          INTEGER NOT NULL CHECK (next_seq >= 1),
  waiting_count     INTEGER NOT NULL CHECK (waiting_count >= 0),
  owed_fen          INTEGER NOT NULL CHECK (owed_fen >= 0),
  pool_fen          INTEGER NOT NULL CHECK (pool_fen >= 0),
  extracted_fen     INTEGER NOT NULL CHECK (extracted_fen >= 0),
  paid_out_fen      INTEGER NOT NULL CHECK (paid_out_fen >= 0),
  undistributed_fen INTEGER NOT NULL CHECK (undistributed_fen >= 0),
  forfeited_fen     INTEGER NOT NULL CHECK (forfeited_fen >= 0),
  exchanged_fen     INTEGER NOT NULL CHECK (exchanged_fen >= 0),
  points_issued     INTEGER NOT NULL CHECK (points_issued >= 0),
  vouchers_issued   INTEGER NOT NULL CHECK (vouchers_issued >= 0),
  random_points_left INTEGER CHECK (random_points_left >= 0),
  random_cash_left   INTEGER CHECK (random_cash_left >= 0),
  reset_anchor      INTEGER,
  clock             INTEGER
) STRICT;

CREATE TABLE members (
  id           TEXT PRIMARY KEY,
  level        TEXT NOT NULL,
  display_name TEXT,
  masked_phone TEXT,
  member_code  TEXT UNIQUE,
  -- SHA-256 of the full phone number: lets the cashier find a member by
  -- phone without the register keeping the number itself.
  phone_digest TEXT UNIQUE,
  source       TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'server', 'scenario')),
  updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
  queue_id          TEXT NOT NULL REFERENCES queues(id),
  id                TEXT NOT NULL,
  member_id         TEXT REFERENCES members(id),
  amount_due_fen    INTEGER NOT NULL CHECK (amount_due_fen BETWEEN 1 AND 1000000000),
  deduction_fen     INTEGER NOT NULL CHECK (deduction_fen BETWEEN 0 AND amount_due_fen),
  actual_paid_fen   INTEGER NOT NULL CHECK (actual_paid_fen = amount_due_fen - deduction_fen),
  paid_at           INTEGER NOT NULL,
  settlement        TEXT NOT NULL CHECK (settlement IN ('payment', 'completion')),
  settled_at        INTEGER,
  extracted_fen     INTEGER NOT NULL CHECK (extracted_fen >= 0),
  paid_to_queue_fen INTEGER NOT NULL CHECK (paid_to_queue_fen >= 0),
  completed_at      INTEGER,
  auto_complete_at  INTEGER,
  refunded_at       INTEGER,
  no_entitlement_reason TEXT,
  -- What the counter knows about the payment beyond the rebate rules.
  cashier_id        TEXT,
  shift_id          INTEGER,
  points_deduction_fen INTEGER NOT NULL DEFAULT 0 CHECK (points_deduction_fen >= 0),
  love_deduction_fen   INTEGER NOT NULL DEFAULT 0 CHECK (love_deduction_fen >= 0),
  change_fen        INTEGER NOT NULL DEFAULT 0 CHECK (change_fen >= 0),
  PRIMARY KEY (queue_id, id),
  CHECK (points_deduction_fen + love_deduction_fen IN (0, deduction_fen))
) STRICT;

-- Split tender: one row per way the customer paid.
CREATE TABLE order_tenders (
  queue_id   TEXT NOT NULL,
  order_id   TEXT NOT NULL,
  line       INTEGER NOT NULL CHECK (line >= 1),
  kind       TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wechat', 'alipay', 'other')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 1),
  PRIMARY KEY (queue_id, order_id, line),
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id)
) STRICT;

-- A member's recent spend (cumulative tiers) is one index range.
CREATE INDEX orders_by_member ON orders (queue_id, member_id, paid_at)
  WHERE member_id IS NOT NULL;
-- The next order that completes by itself.
CREATE INDEX orders_auto_completion ON orders (queue_id, auto_complete_at)
  WHERE auto_complete_at IS NOT NULL AND completed_at IS NULL AND refunded_at IS NULL;

CREATE TABLE entries (
  queue_id        TEXT NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq >= 1),
  order_id        TEXT NOT NULL,
  member_id       TEXT REFERENCES members(id),
  joined_at       INTEGER NOT NULL,
  position        INTEGER NOT NULL CHECK (position >= 1),
  ahead_fen       INTEGER NOT NULL CHECK (ahead_fen >= 0),
  base_fen        INTEGER NOT NULL CHECK (base_fen >= 0),
  ratio_bp        INTEGER NOT NULL CHECK (ratio_bp BETWEEN 0 AND 100000),
  rule            TEXT NOT NULL CHECK (rule IN ('cashier.level', 'base.level', 'cashier.tiers',
                    'cashier.lottery', 'base.lottery', 'cashier.default', 'base.default')),
  draw_pending    INTEGER NOT NULL CHECK (draw_pending IN (0, 1)),
  lottery         TEXT CHECK (lottery IS NULL OR json_valid(lottery)),
  drawn_at        INTEGER,
  entitlement_fen INTEGER NOT NULL CHECK (entitlement_fen >= 0),
  received_fen    INTEGER NOT NULL CHECK (received_fen BETWEEN 0 AND entitlement_fen),
  state           TEXT NOT NULL CHECK (state IN ('waiting', 'completed', 'exchanged', 'cleared', 'cancelled', 'points')),
  finished_at     INTEGER,
  order_completed INTEGER NOT NULL CHECK (order_completed IN (0, 1)),
  PRIMARY KEY (queue_id, seq),
  UNIQUE (queue_id, order_id),
  FOREIGN KEY (queue_id, order_id) REFERENCES orders (queue_id, id),
  -- completed ⇔ fully repaid; a waiting entry still has something to receive
  -- (a lottery entry awaiting its draw may start at zero).
  CHECK (state <> 'completed' OR received_fen = entitlement_fen),
  CHECK (state <> 'waiting' OR received_fen < entitlement_fen OR draw_pending = 1)
  -- WITHOUT ROWID: the row lives in its (queue_id, seq) key, one b-tree
  -- fewer to write for every entry a checkout adds or pays.
) STRICT, WITHOUT ROWID;

-- The head of the line: only waiting entries are indexed, so finding the
-- next entries to pay never walks the finished ones.
CREATE INDEX entries_waiting ON entries (queue_id, seq) WHERE state = 'waiting';
CREATE INDEX entries_waiting_completed ON entries (queue_id, seq)
  WHERE state = 'waiting' AND order_completed = 1;
-- Per-member limits count entitlements not cancelled by a refund.
CREATE INDEX entries_by_member ON entries (queue_id, member_id, joined_at)
  WHERE member_id IS NOT NULL AND state <> 'cancelled';

CREATE TABLE ledger (
  id             INTEGER PRIMARY KEY,
  queue_id       TEXT NOT NULL REFERENCES queues(id),
  kind           TEXT NOT NULL CHECK (kind IN ('extraction', 'pool_out', 'payout', 'undistributed', 'pool_in',
                   'exchange_points', 'exchange_vouchers', 'random_points', 'clearing', 'cancellation')),
  at             INTEGER NOT NULL,
  order_id       TEXT,
  entry_order_id TEXT,
  amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
  units          INTEGER NOT NULL CHECK (units >= 0)
) STRICT;
CREATE INDEX ledger_by_entry ON ledger (queue_id, entry_order_id) WHERE entry_order_id IS NOT NULL;
CREATE INDEX ledger_by_order ON ledger (queue_id, order_id) WHERE order_id IS NOT NULL;

CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: rows are never changed'); END;
CREATE TRIGGER ledger_is_append_only_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: rows are never deleted'); END;

-- Events for the central server, written in the same transaction as the
-- change they describe. AUTOINCREMENT: a sequence number is never reused,
-- even after the rows the server acknowledged are removed.
CREATE TABLE outbox (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  queue_id TEXT NOT NULL,
  type     TEXT NOT NULL,
  at       INTEGER NOT NULL,
  payload  TEXT NOT NULL CHECK (json_valid(payload))
) STRICT;

CREATE TABLE settings_audit (
  id        INTEGER PRIMARY KEY,
  queue_id  TEXT NOT NULL,
  layer     TEXT NOT NULL CHECK (layer IN ('base', 'cashier')),
  field     TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  actor     TEXT NOT NULL,
  source    TEXT NOT NULL CHECK (source IN ('manager', 'server', 'scenario', 'system')),
  at        INTEGER NOT NULL
) STRICT;
`;

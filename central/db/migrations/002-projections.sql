-- What the events say, in tables the service can query. Written in the same
-- transaction as the events themselves, so they never disagree.

CREATE TABLE orders (
  register          bigint NOT NULL REFERENCES registers(id),
  queue_id          text NOT NULL,
  order_id          text NOT NULL,
  store_id          text NOT NULL,
  member_id         text,
  amount_due_fen    bigint NOT NULL,
  deduction_fen     bigint NOT NULL,
  actual_paid_fen   bigint NOT NULL,
  extracted_fen     bigint NOT NULL DEFAULT 0,
  paid_at           bigint NOT NULL,
  completed_at      bigint,
  refunded_at       bigint,
  PRIMARY KEY (register, queue_id, order_id)
);
CREATE INDEX orders_store_paid ON orders (store_id, paid_at);

CREATE TABLE entries (
  register          bigint NOT NULL REFERENCES registers(id),
  queue_id          text NOT NULL,
  order_id          text NOT NULL,
  store_id          text NOT NULL,
  -- The receipt's 查询码 (receiptShortCode(queueId, orderId)), for the queue page.
  short_code        text NOT NULL,
  seq               bigint NOT NULL,
  member_id         text,
  joined_at         bigint NOT NULL,
  position          bigint NOT NULL,
  base_fen          bigint NOT NULL,
  entitlement_fen   bigint NOT NULL,
  received_fen      bigint NOT NULL DEFAULT 0,
  state             text NOT NULL,
  finished_at       bigint,
  -- Register-side time of the last event that changed this entry.
  updated_at        bigint NOT NULL,
  PRIMARY KEY (register, queue_id, order_id)
);
CREATE INDEX entries_short_code ON entries (short_code);
CREATE INDEX entries_waiting ON entries (register, queue_id, seq) WHERE state = 'waiting';
CREATE INDEX entries_store_waiting ON entries (store_id) WHERE state = 'waiting';

-- Per-store money counters (fen), moved by each event's ledger rows.
CREATE TABLE store_liability (
  store_id          text PRIMARY KEY REFERENCES stores(id),
  sales_fen         bigint NOT NULL DEFAULT 0,
  extracted_fen     bigint NOT NULL DEFAULT 0,
  paid_out_fen      bigint NOT NULL DEFAULT 0,
  undistributed_fen bigint NOT NULL DEFAULT 0,
  forfeited_fen     bigint NOT NULL DEFAULT 0,
  exchanged_fen     bigint NOT NULL DEFAULT 0,
  -- For r: Σ entitlement and Σ base of the cash entries that joined.
  entitled_fen      bigint NOT NULL DEFAULT 0,
  entitled_base_fen bigint NOT NULL DEFAULT 0
);

-- One member per keyed phone digest, across every register of the alliance.
CREATE TABLE members (
  id            text PRIMARY KEY,
  phone_digest  text UNIQUE,
  level         text NOT NULL,
  display_name  text,
  masked_phone  text,
  created_at    bigint NOT NULL
);
-- What each register calls the member (its counter enrolment's id) → the canonical member.
CREATE TABLE member_aliases (
  register      bigint NOT NULL REFERENCES registers(id),
  local_id      text NOT NULL,
  member_id     text NOT NULL REFERENCES members(id),
  PRIMARY KEY (register, local_id)
);

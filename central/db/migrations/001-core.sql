-- Stores, registers, their credentials, the events they sent, the pushes
-- made to them. Instants are bigint milliseconds since the Unix epoch.

CREATE TABLE stores (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  -- The queue page's display switches (docs/central.md): which figures a customer sees.
  display     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  bigint NOT NULL
);

CREATE TABLE registers (
  id            bigserial PRIMARY KEY,
  store_id      text NOT NULL REFERENCES stores(id),
  register_id   text NOT NULL,
  -- Every seq from 1 up to last_seq is held (gaps are refused).
  last_seq      bigint NOT NULL DEFAULT 0,
  -- The last push this register answered.
  push_cursor   bigint NOT NULL DEFAULT 0,
  -- When the register last connected or sent, and the register-side time of its newest event.
  last_seen_at  bigint,
  last_sync_at  bigint,
  last_event_at bigint,
  created_at    bigint NOT NULL,
  UNIQUE (store_id, register_id)
);

-- sha256 of each register token (the token itself is never stored).
CREATE TABLE register_tokens (
  token_hash  text PRIMARY KEY,
  register    bigint NOT NULL REFERENCES registers(id),
  created_at  bigint NOT NULL,
  revoked_at  bigint
);
CREATE INDEX register_tokens_register ON register_tokens (register);

-- One-time enrolment codes (sha256 too): exchanged once for a register token.
CREATE TABLE enrolment_codes (
  code_hash   text PRIMARY KEY,
  register    bigint NOT NULL REFERENCES registers(id),
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL,
  used_at     bigint
);

CREATE TABLE admin_credentials (
  token_hash  text PRIMARY KEY,
  name        text NOT NULL,
  created_at  bigint NOT NULL,
  revoked_at  bigint
);

-- Each event once: by (register, seq) and by its id. `arrival` is the order of arrival.
CREATE TABLE events (
  register    bigint NOT NULL REFERENCES registers(id),
  seq         bigint NOT NULL,
  event_id    text NOT NULL,
  queue_id    text NOT NULL,
  type        text NOT NULL,
  at          bigint NOT NULL,
  payload     jsonb NOT NULL,
  received_at bigint NOT NULL,
  arrival     bigserial NOT NULL,
  PRIMARY KEY (register, seq),
  UNIQUE (event_id)
);

CREATE TABLE pushes (
  id          bigserial PRIMARY KEY,
  message     text NOT NULL,
  -- NULL: every register (of the store, when store_id is set).
  store_id    text,
  register_id text,
  body        jsonb NOT NULL,
  created_at  bigint NOT NULL
);

CREATE TABLE push_results (
  push_id     bigint NOT NULL REFERENCES pushes(id),
  register    bigint NOT NULL REFERENCES registers(id),
  ok          boolean NOT NULL,
  answer      jsonb NOT NULL,
  at          bigint NOT NULL,
  PRIMARY KEY (push_id, register)
);

/**
 * 003: sync with the central server — what the sender must remember across
 * restarts, and a log of every message the server pushed (applied, duplicate
 * or refused) so a refused push can be looked at later.
 *
 * The outbox itself (001) is the queue of what is still to send; the seq a
 * server acknowledged is removed from it in the same transaction that moves
 * `last_acked_seq` here.
 */
export const syncSchema = /* sql */ `
CREATE TABLE sync_state (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  -- The highest outbox seq the server acknowledged (sent again in every hello).
  last_acked_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_acked_seq >= 0),
  -- The highest push id applied; a push with an id at or below it is a duplicate.
  last_push_id   INTEGER NOT NULL DEFAULT 0 CHECK (last_push_id >= 0),
  -- When the server last acknowledged a batch (or confirmed there was nothing to send).
  last_sync_at   INTEGER,
  -- The latest platform base layer pushed for every queue: a queue created
  -- later starts from it.
  base_settings  TEXT CHECK (base_settings IS NULL OR json_valid(base_settings))
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE sync_inbound (
  id          INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  -- The socket.io event name as received (an unknown name is logged as is).
  message     TEXT NOT NULL,
  push_id     INTEGER,
  status      TEXT NOT NULL CHECK (status IN ('applied', 'duplicate', 'refused')),
  error       TEXT,
  -- The start of a refused message, for a person to read; applied ones keep none.
  body        TEXT
) STRICT;
`;

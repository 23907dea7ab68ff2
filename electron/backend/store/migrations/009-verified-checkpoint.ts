/**
 * 009: the verified checkpoint (issue 15 §2, docs/performance.md "Start-up").
 * The background full check (every invariant over the whole database) writes,
 * per queue, the ledger sums it verified and the highest ledger id and order
 * rowid they cover. Start-up then checks only what came after: the queue's
 * counters against checkpoint + the ledger rows after it, and the entries and
 * orders those rows touched. A register without a checkpoint (new, or just
 * upgraded) runs the full check at start-up once, as before.
 */
export const verifiedCheckpointSchema = /* sql */ `
CREATE TABLE verified_checkpoint (
  queue_id          TEXT PRIMARY KEY,
  ledger_id         INTEGER NOT NULL CHECK (ledger_id >= 0),
  order_rowid       INTEGER NOT NULL CHECK (order_rowid >= 0),
  -- The latest paid_at / joined_at the checkpoint's snapshot held.
  verified_to       INTEGER NOT NULL,
  verified_at       INTEGER NOT NULL,
  extracted_fen     INTEGER NOT NULL,
  paid_out_fen      INTEGER NOT NULL,
  undistributed_fen INTEGER NOT NULL,
  pool_fen          INTEGER NOT NULL,
  forfeited_fen     INTEGER NOT NULL,
  exchanged_fen     INTEGER NOT NULL,
  points_issued     INTEGER NOT NULL,
  vouchers_issued   INTEGER NOT NULL
) STRICT;
`;

/**
 * 016: the outbox of a register with no server set is bounded (issue 15 §1,
 * docs/sync.md "Without a server"): events older than 90 days are deleted
 * even though no service ever acknowledged them. What went is remembered
 * here, so a later enrolment, `recover --from-server` or a service's resend
 * request can tell "never sent and purged on purpose" from "lost":
 *  - purged_unsent_through_seq: every outbox seq up to it is gone for good
 *    (0: nothing unsent was ever purged);
 *  - purged_unsent_at: when the last such purge ran (register clock).
 */
export const outboxPurgedUnsentSchema = /* sql */ `
ALTER TABLE sync_state ADD COLUMN purged_unsent_through_seq INTEGER NOT NULL DEFAULT 0 CHECK (purged_unsent_through_seq >= 0);
ALTER TABLE sync_state ADD COLUMN purged_unsent_at INTEGER;
`;

/**
 * 006: members at the counter and the receipt's lookup code (issue #12, #9 §3).
 *
 * - `members.phone_key_id`: which key made `phone_digest` (an HMAC-SHA256
 *   now, docs/security.md §3). NULL = written before this migration (an
 *   unsalted SHA-256): the register re-keys those rows when it opens with its
 *   key (`rekeyLegacyDigests`), since SQL alone has no key.
 * - `members.enrolled_at` / `enrolled_by`: set for members enrolled at this
 *   counter (「登记新会员」), NULL for pushed ones.
 * - `members.canonical_id`: the central service's id for a member enrolled
 *   here, once the server has sent it. The local id stays the row's key, so
 *   no order, entry or event ever changes (docs/sync.md "Members enrolled at
 *   the counter").
 * - `orders.lookup_code`: the receipt's 查询码 (60 random bits, docs/printing.md),
 *   unique, found by the counter's lookup and the orders screen.
 */
export const membersSchema = /* sql */ `
ALTER TABLE members ADD COLUMN phone_key_id TEXT;
ALTER TABLE members ADD COLUMN enrolled_at INTEGER;
ALTER TABLE members ADD COLUMN enrolled_by TEXT;
ALTER TABLE members ADD COLUMN canonical_id TEXT;
CREATE UNIQUE INDEX members_by_canonical_id ON members (canonical_id) WHERE canonical_id IS NOT NULL;

ALTER TABLE orders ADD COLUMN lookup_code TEXT;
CREATE UNIQUE INDEX orders_by_lookup_code ON orders (lookup_code) WHERE lookup_code IS NOT NULL;
`;

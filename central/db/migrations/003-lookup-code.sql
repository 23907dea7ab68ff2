-- The receipt's 查询码 is now 60 random bits made at the counter and sent in
-- order.checkout (`payload.lookupCode`), no longer a hash of queue and order:
-- kept on the order and its entry for the queue page. Not unique: two equal
-- codes (about 10⁻⁶ likely among a million orders) must not refuse a batch;
-- the page then shows neither.
ALTER TABLE entries DROP COLUMN short_code;
ALTER TABLE entries ADD COLUMN lookup_code text;
ALTER TABLE orders ADD COLUMN lookup_code text;
CREATE INDEX entries_lookup_code ON entries (lookup_code) WHERE lookup_code IS NOT NULL;
CREATE INDEX orders_lookup_code ON orders (lookup_code) WHERE lookup_code IS NOT NULL;

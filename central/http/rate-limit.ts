/**
 * A per-address token bucket: `burst` requests at once, refilled at
 * `perMinute`. Buckets of addresses that went quiet are forgotten, so a
 * flood of addresses cannot grow the map without bound (it is capped too).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxAddresses = 100_000,
  ) {}

  /** true: go ahead; false: too many requests from this address just now. */
  take(address: string, now: number): boolean {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= this.maxAddresses) this.sweep(now);
      if (this.buckets.size >= this.maxAddresses) return false;
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(address, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private sweep(now: number): void {
    const full = (this.burst * 60_000) / this.perMinute;
    for (const [address, bucket] of this.buckets) if (now - bucket.at > full) this.buckets.delete(address);
  }
}

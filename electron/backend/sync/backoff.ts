/**
 * How long the sync client waits after its `failures`-th failure in a row:
 * doubling from `initialMs` up to `maxMs`, with "equal jitter" — never less
 * than half the ceiling, so a fleet of registers coming back after an outage
 * spreads out without hammering the service.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

export function backoffDelay(failures: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * What falls due by itself — automatic completions and scheduled resets — is
 * applied before every operation, each at its own instant in time order; and
 * `run`, the frame every operation runs in.
 */
import { addFen, ZERO_FEN } from '../money';
import { closeSession, emit, openSession, record, type Session } from './session';
import { completeOrder, finishEntry } from './settlement';
import { latestResetAtOrBefore } from './time';
import type { EngineContext, Instant } from './types';

/** How many waiting entries a reset clears per query. */
const RESET_PAGE = 500;

/** Runs one operation: opens the session, applies what fell due, runs `body`, saves the counters. */
export function run<T>(ctx: EngineContext, at: Instant, body: (s: Session) => T): T {
  const s = openSession(ctx, at);
  applyDue(s, at);
  const result = body(s);
  closeSession(s, at);
  return result;
}

/** Applies automatic completions and scheduled resets due at or before `now`, each at its own instant. */
function applyDue(s: Session, now: Instant): void {
  for (;;) {
    const nextCompletion = s.ctx.store.nextAutoCompletion(s.queue.id, now);
    // A completion and a reset at the same instant: the completion goes first,
    // so the payment it settles still reaches the line before the line is cleared.
    const resetLimit = nextCompletion ? Math.min(now, nextCompletion.autoCompleteAt! - 1) : now;
    const resetAt = latestResetAtOrBefore(s.settings.reset, resetLimit, s.ctx.timezone);
    if (resetAt !== null && (s.queue.resetAnchor === null || resetAt > s.queue.resetAnchor)) {
      applyReset(s, resetAt);
      continue;
    }
    if (!nextCompletion) return;
    completeOrder(s, nextCompletion, nextCompletion.autoCompleteAt!, 'auto');
  }
}

/** Advances the queue's clock to `at`, applying whatever fell due (a `tick`). */
export function advanceTo(ctx: EngineContext, at: Instant): void {
  run(ctx, at, () => undefined);
}

function applyReset(s: Session, at: Instant): void {
  const { store } = s.ctx;
  let afterSeq = 0;
  let cleared = 0;
  let forfeited = ZERO_FEN;
  for (;;) {
    const page = store.waitingEntries(s.queue.id, afterSeq, RESET_PAGE);
    if (page.length === 0) break;
    for (const entry of page) {
      afterSeq = entry.seq;
      const remaining = finishEntry(s, entry, 'cleared', at);
      store.updateEntry(entry);
      record(s, 'clearing', at, remaining, { entryOrderId: entry.orderId });
      forfeited = addFen(forfeited, remaining);
      cleared += 1;
    }
  }
  s.queue.forfeitedFen = addFen(s.queue.forfeitedFen, forfeited);
  s.queue.resetAnchor = at;
  // One event for the whole reset: the ledger rows name every entry it cleared.
  emit(s, 'queue.reset', at, { schedule: s.settings.reset, clearedEntries: cleared, forfeitedFen: forfeited });
}


/**
 * Checks a `sync:batch` message a slice at a time, yielding the event loop
 * between slices, so a 2 000-event batch (up to ~2 MB of JSON) never keeps
 * other registers' messages and acks waiting behind it in one piece.
 *
 * It accepts exactly what `eventBatchSchema` plus each type's payload schema
 * (`shared/sync/events.ts`) accept: the envelope first (cheap: one key, an
 * array of 1–MAX_BATCH_EVENTS), then every event with `wireEventSchema` and
 * its payload schema, then the run of seqs and the distinct ids. Before,
 * the whole batch went through `eventBatchSchema` in one synchronous call:
 * 20–65 ms for 2 000 events on the shared machine, on top of socket.io's own
 * JSON decoding of the packet (which no code of ours can split).
 */
import { z } from 'zod';
import { MAX_BATCH_EVENTS, wireEventSchema, type EventBatch, type WireEvent } from '../../shared/sync/protocol';
import { eventPayloadSchemas } from '../../shared/sync/events';

/** Events checked between two yields: ~1–3 ms of work on a quiet core. */
export const CHECK_SLICE = 50;

const envelopeSchema = z.strictObject({
  events: z
    .array(z.unknown())
    .min(1, { error: 'a batch carries at least one event' })
    .max(MAX_BATCH_EVENTS, { error: `a batch carries at most ${MAX_BATCH_EVENTS} events` }),
});

/** Lets socket.io and the database driver run between slices (setImmediate: after pending I/O, not before). */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function describe(issues: z.ZodError['issues'], prefix: (string | number)[]): string {
  const listed = issues.slice(0, 5).map((i) => `${[...prefix, ...i.path.map((p) => String(p))].join('.') || '(root)'}: ${i.message}`);
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return `malformed event batch: ${listed.join('; ')}${more}`;
}

/** The batch, or why it is refused (`invalid`). */
export async function checkBatch(message: unknown): Promise<EventBatch | string> {
  const envelope = envelopeSchema.safeParse(message);
  if (!envelope.success) return describe(envelope.error.issues, []);
  const raw = envelope.data.events;
  const events: WireEvent[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (i > 0 && i % CHECK_SLICE === 0) await yieldToLoop();
    const parsed = wireEventSchema.safeParse(raw[i]);
    if (!parsed.success) return describe(parsed.error.issues, ['events', i]);
    const event = parsed.data;
    const payload = eventPayloadSchemas[event.type].safeParse(event.payload);
    if (!payload.success) {
      const issue = payload.error.issues[0]!;
      return `malformed ${event.type} payload of seq ${event.seq}: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    }
    events.push(event);
  }
  // Consecutive seqs, distinct ids (as eventBatchSchema's refinement).
  const first = events[0]!.seq;
  const ids = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.seq !== first + i) return `malformed event batch: events.${i}.seq: seq ${event.seq} breaks the run starting at ${first} (expected ${first + i})`;
    if (ids.has(event.id)) return `malformed event batch: events.${i}.id: event id ${event.id} appears twice`;
    ids.add(event.id);
  }
  return { events };
}

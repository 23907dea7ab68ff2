/**
 * A register back from a day offline asks before each large batch
 * (`sync:admit`, docs/sync.md "Admission of large batches"): the service
 * answers when it can take the batch, so a hundred registers returning at
 * once never land a hundred large packets on it in the same moment (the
 * busiest turns of its event loop were exactly that: docs/central.md).
 *
 * One line per connection: batches leave in seq order (a small batch behind
 * a large one waits for it to leave, or the service would see a gap), a
 * busy counter's batches (ADMIT_ABOVE_EVENTS events or fewer) go at once as
 * before, and a service that does not know the message (it answers
 * `unknown-message`) is not asked again on this connection.
 */
import type { Socket } from 'socket.io-client';
import { ADMIT_ABOVE_EVENTS, MESSAGES, admitAnswerSchema, parseMessage, type AdmitRequest, type WireEvent } from '../../../shared/sync/protocol';
import { msg } from '../../../shared/messages/catalogue';
import { describe, SyncError, type SyncLogger } from './sync-error';

export class SendLine {
  /** The batch before, while it still waits to leave; null: nothing is waiting. */
  private tail: Promise<void> | null = null;
  constructor(
    private readonly socket: Socket,
    private readonly admitTimeoutMs: number,
    private readonly logger: SyncLogger,
    /** False once the service said it does not admit (a service of before `sync:admit`); the bench starts it false to send as a register of before it. */
    private asking = true,
  ) {}

  /**
   * Sends the batch once the ones before it left and, when large, once the
   * service admits it; resolves with the raw ack, rejects when none came
   * within `ackTimeoutMs` of sending (or the admission failed).
   */
  send(events: WireEvent[], ackTimeoutMs: number): Promise<unknown> {
    const emit = () => this.socket.timeout(ackTimeoutMs).emitWithAck(MESSAGES.batch, { events }) as Promise<unknown>;
    const large = events.length > ADMIT_ABOVE_EVENTS;
    // Nothing waiting and nothing to ask: at once, as before admission existed.
    if (this.tail === null && (!large || !this.asking)) return emit();
    let answer!: Promise<unknown>;
    const sent = (this.tail ?? Promise.resolve()).then(async () => {
      if (large) await this.admit(events.length);
      // Closed while it waited: an emit now would sit in socket.io's buffer until its timeout.
      if (!this.socket.connected) throw new SyncError('the connection closed before the batch could leave; it stays in the outbox', false, msg('sync.connectionLost'));
      answer = emit();
    });
    this.tail = sent;
    sent.then(
      () => {
        if (this.tail === sent) this.tail = null;
      },
      () => {},
    );
    return sent.then(() => answer);
  }

  private async admit(events: number): Promise<void> {
    if (!this.asking) return;
    if (!this.socket.connected) throw new SyncError('the connection closed before the batch could be admitted; it stays in the outbox', false, msg('sync.connectionLost'));
    let raw: unknown;
    try {
      raw = await this.socket.timeout(this.admitTimeoutMs).emitWithAck(MESSAGES.admit, { events } satisfies AdmitRequest);
    } catch (error) {
      throw new SyncError(`the server did not admit the next ${events} events within ${this.admitTimeoutMs / 1000} s (${describe(error)}); they stay in the outbox and will be sent again`, false, msg('sync.noAck'));
    }
    const answer = parseMessage(admitAnswerSchema, raw, 'admission answer');
    if (answer.ok && answer.value.ok) return;
    // Not admitted and not refused either: a service of before `sync:admit`. It takes batches without being asked.
    this.asking = false;
    this.logger.info(`the server does not admit large batches (${answer.ok ? JSON.stringify(answer.value) : answer.error}); sending without asking on this connection`);
  }
}

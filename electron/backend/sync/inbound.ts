/**
 * What the central service sends the register on its own: base settings and
 * member pushes (each checked with the protocol's schema — members also for
 * masking — applied once in one transaction, acknowledged, and reported),
 * the resend request (handed to the client), and anything else, which is
 * refused, logged in `sync_inbound` and answered `unknown-message` when it
 * asks for an answer.
 */
import type { Socket } from 'socket.io-client';
import { MESSAGES, baseSettingsPushSchema, membersPushSchema, parseMessage } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { applyBaseSettingsPush, applyMembersPush, type ApplyOutcome } from './apply';
import { maskingProblem } from './masking';
import { describe, type SyncLogger } from './sync-error';

export interface InboundContext {
  db: Db;
  logger: SyncLogger;
  now: () => number;
  /** Logs a server message that was not acted on (logger and `sync_inbound`). */
  refuse(message: string, raw: unknown, error: string): void;
  /** A push was applied (or recognised as a duplicate). */
  onPush(push: { message: string; pushId: number; outcome: ApplyOutcome }): void;
  /** `sync:resend` arrived (resend.ts decides). */
  onResend(raw: unknown): void;
}

const KNOWN_INBOUND = new Set<string>([MESSAGES.baseSettings, MESSAGES.members, MESSAGES.resend]);

type Checked = { ok: true; pushId: number; apply: (at: number) => ApplyOutcome } | { ok: false; error: string };

export function attachInbound(socket: Socket, ctx: InboundContext): void {
  socket.on(MESSAGES.baseSettings, (...args: unknown[]) =>
    onPush(ctx, MESSAGES.baseSettings, args, (raw) => {
      const parsed = parseMessage(baseSettingsPushSchema, raw, 'base settings push');
      return parsed.ok ? { ok: true, pushId: parsed.value.pushId, apply: (at) => applyBaseSettingsPush(ctx.db, MESSAGES.baseSettings, parsed.value, at) } : parsed;
    }),
  );
  socket.on(MESSAGES.members, (...args: unknown[]) =>
    onPush(ctx, MESSAGES.members, args, (raw) => {
      const parsed = parseMessage(membersPushSchema, raw, 'members push');
      const unmasked = parsed.ok ? maskingProblem(parsed.value.members) : null;
      if (unmasked) return { ok: false, error: unmasked };
      return parsed.ok ? { ok: true, pushId: parsed.value.pushId, apply: (at) => applyMembersPush(ctx.db, MESSAGES.members, parsed.value, at) } : parsed;
    }),
  );
  socket.on(MESSAGES.resend, (raw: unknown) => ctx.onResend(raw));
  socket.onAny((name: unknown, ...args: unknown[]) => {
    if (typeof name === 'string' && KNOWN_INBOUND.has(name)) return;
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
    const error = `unknown message ${JSON.stringify(name)} from the server`;
    ctx.refuse(String(name), args, error);
    ack?.({ ok: false, error: { code: 'unknown-message', message: error } });
  });
}

function onPush(ctx: InboundContext, message: string, args: unknown[], validate: (raw: unknown) => Checked): void {
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
  const refuse = (code: string, error: string) => {
    ctx.refuse(message, args.length === 1 ? args[0] : args, error);
    ack?.({ ok: false, error: { code, message: error } });
  };
  if (!ack) return refuse('invalid', `${message} must ask for an acknowledgement`);
  if (args.length !== 1) return refuse('invalid', `${message} carries ${args.length} arguments, expected 1`);
  const checked = validate(args[0]);
  if (!checked.ok) return refuse('invalid', checked.error);
  let outcome: ApplyOutcome;
  try {
    outcome = checked.apply(ctx.now());
  } catch (error) {
    return refuse('apply-failed', `${message} ${checked.pushId} could not be applied, nothing changed: ${describe(error)}`);
  }
  ctx.logger.info(`${message} ${checked.pushId}: ${outcome}`);
  ack({ ok: true, duplicate: outcome === 'duplicate' });
  ctx.onPush({ message, pushId: checked.pushId, outcome });
}

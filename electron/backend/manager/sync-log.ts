/**
 * The sync log the manager reads (docs/security.md §7): every message from
 * the central server the register refused (`sync_inbound`, status
 * 'refused'), newest first, each as a catalogue message the console shows in
 * the UI language. The stored English error and the (redacted) body stay in
 * the table for support; the manager sees what it was and what it means.
 */
import type { CommandOutput, ParsedCommandInput } from '../../../shared/contract';
import { msg, type Message } from '../../../shared/messages/catalogue';
import { MESSAGES } from '../../../shared/sync/protocol';
import type { ManagerConsole } from './console';

function reasonOf(message: string): Message {
  if (message === MESSAGES.members) return msg('syncLog.members');
  if (message === MESSAGES.baseSettings) return msg('syncLog.settings');
  if (message === `${MESSAGES.batch} ack`) return msg('syncLog.ack');
  if (message === 'connect_error') return msg('syncLog.connect');
  return msg('syncLog.unknown');
}

export async function syncLog(c: ManagerConsole, input: ParsedCommandInput<'manager.sync.log'>): Promise<CommandOutput<'manager.sync.log'>> {
  await c.authorize(input.managerPin, 'sync.log');
  const rows = c.db.prepare("SELECT received_at, message FROM sync_inbound WHERE status = 'refused' ORDER BY id DESC LIMIT ?").all(input.limit) as {
    received_at: number;
    message: string;
  }[];
  return { entries: rows.map((r) => ({ at: r.received_at, reason: reasonOf(r.message) })) };
}

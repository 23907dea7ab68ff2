/**
 * Applying what the central server pushes: base settings and member records.
 *
 * Each push is applied in one transaction together with its line in
 * `sync_inbound` and the new `last_push_id`, so a crash leaves it either
 * wholly applied or not at all (and the server sends it again). Base settings
 * replace the base layer only — the register's own cashier layer is never
 * touched — and go through the engine's `changeSettings` like a manager's
 * change: every field that changes gets a `settings_audit` row (layer
 * 'base', actor 'central', source 'server'), a new reset schedule counts from
 * now, and a new random-return rule starts a new group.
 */
import { SERVER_KEY_ID } from '../members/phone-digest';
import { changeSettings, cryptoRandom, isValidTimezone, randomEventId, type EngineContext } from '../../../shared/engine/index';
import { parseSettingsLayer, type SettingsChange, type SettingsLayer } from '../../../shared/settings';
import type { BaseSettingsPush, MembersPush } from '../../../shared/sync/protocol';
import type { Db } from '../store/database';
import { SqliteQueueStore } from '../store/queue-store';
import { redactPersonal } from './masking';

export const SERVER_ACTOR = 'central';

export type ApplyOutcome = 'applied' | 'duplicate';

/** JSON with object keys sorted, so two equal values always compare equal as text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function lastPushId(db: Db): number {
  return (db.prepare('SELECT last_push_id FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
}

function recordInbound(db: Db, at: number, message: string, pushId: number | null, status: 'applied' | 'duplicate' | 'refused', error?: string, body?: string): void {
  db.prepare('INSERT INTO sync_inbound (received_at, message, push_id, status, error, body) VALUES (?, ?, ?, ?, ?, ?)').run(
    at,
    message,
    pushId,
    status,
    error ?? null,
    body ?? null,
  );
}

/** app_meta key of the service epoch the register's `last_push_id` counts in. */
export const SERVER_EPOCH_KEY = 'sync.serverEpoch';

/**
 * Runs `apply` unless the push was seen before; logs it and moves
 * `last_push_id` in the same transaction. A push carrying an epoch other
 * than the one `last_push_id` counts in comes from a new or restored service
 * database whose push ids started again: the count restarts at 0 under the
 * new epoch (so its push 1 is applied, not taken for a duplicate).
 */
function applyOnce(db: Db, message: string, pushId: number, at: number, apply: () => void, epoch?: string): ApplyOutcome {
  return db.transaction((): ApplyOutcome => {
    if (epoch !== undefined) {
      const known = db.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(SERVER_EPOCH_KEY) as string | undefined;
      if (known !== epoch) {
        db.prepare('INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SERVER_EPOCH_KEY, epoch);
        if (known !== undefined) db.prepare('UPDATE sync_state SET last_push_id = 0 WHERE id = 1').run();
      }
    }
    if (pushId <= lastPushId(db)) {
      recordInbound(db, at, message, pushId, 'duplicate');
      return 'duplicate';
    }
    apply();
    db.prepare('UPDATE sync_state SET last_push_id = ? WHERE id = 1').run(pushId);
    recordInbound(db, at, message, pushId, 'applied');
    return 'applied';
  })();
}

/** The change that turns one layer into the other: new values set, vanished fields unset. */
function layerChange(before: SettingsLayer, after: SettingsLayer): SettingsChange {
  const change: Record<string, unknown> = {};
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const next = (after as Record<string, unknown>)[field];
    if (canonicalJson((before as Record<string, unknown>)[field]) !== canonicalJson(next)) change[field] = next ?? null;
  }
  return change as SettingsChange;
}

function engineContext(db: Db, queueId: string): EngineContext {
  const zone = (db.prepare("SELECT value FROM app_meta WHERE key = 'register.timezone'").pluck().get() as string | undefined) ?? 'Asia/Shanghai';
  return { store: new SqliteQueueStore(db), queueId, timezone: isValidTimezone(zone) ? zone : 'Asia/Shanghai', random: cryptoRandom(), newEventId: randomEventId };
}

export function applyBaseSettingsPush(db: Db, message: string, push: BaseSettingsPush, at: number): ApplyOutcome {
  // Validated on arrival already; parsing again yields the canonical stored form.
  const layer = parseSettingsLayer(push.settings, 'pushed base settings');
  return applyOnce(db, message, push.pushId, at, () => {
    const queues = (
      push.queueId === undefined
        ? db.prepare('SELECT id, base_settings, clock FROM queues ORDER BY id').all()
        : db.prepare('SELECT id, base_settings, clock FROM queues WHERE id = ?').all(push.queueId)
    ) as { id: string; base_settings: string; clock: number | null }[];
    const stored = canonicalJson(layer);
    for (const queue of queues) {
      const change = layerChange(JSON.parse(queue.base_settings) as SettingsLayer, layer);
      if (Object.keys(change).length === 0) continue;
      // The queue's clock never goes back (docs/rules.md R25).
      changeSettings(engineContext(db, queue.id), { at: Math.max(at, queue.clock ?? at), base: change, actor: SERVER_ACTOR, source: 'server' });
    }
    if (push.queueId === undefined) db.prepare('UPDATE sync_state SET base_settings = ? WHERE id = 1').run(stored);
  }, push.epoch);
}

/**
 * Members pushed by the server. A member this register enrolled at the
 * counter comes back as the central service's canonical member for that
 * phone: same keyed digest, the server's id. It is not inserted beside the
 * local one: the local row takes the canonical fields and records the
 * canonical id (`canonical_id`), and keeps its own id, so no order, entry or
 * event of its history changes (docs/sync.md "Members enrolled at the counter").
 * Later pushes of that canonical id update the same row.
 */
export function applyMembersPush(db: Db, message: string, push: MembersPush, at: number): ApplyOutcome {
  return applyOnce(db, message, push.pushId, at, () => {
    const upsert = db.prepare(
      `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, phone_key_id, source, updated_at)
       VALUES (@id, @level, @displayName, @maskedPhone, @memberCode, @phoneDigest, @keyId, 'server', @at)
       ON CONFLICT (id) DO UPDATE SET level = excluded.level, display_name = excluded.display_name,
         masked_phone = excluded.masked_phone, member_code = excluded.member_code,
         phone_digest = excluded.phone_digest, phone_key_id = excluded.phone_key_id, source = 'server', updated_at = excluded.updated_at`,
    );
    const mapped = db.prepare('SELECT id FROM members WHERE canonical_id = ?').pluck();
    const enrolledHere = db.prepare('SELECT id FROM members WHERE phone_digest = ? AND enrolled_at IS NOT NULL AND canonical_id IS NULL AND id <> ?').pluck();
    const adopt = db.prepare(
      `UPDATE members SET canonical_id = @canonicalId, level = @level, display_name = @displayName, masked_phone = @maskedPhone,
         member_code = @memberCode, phone_digest = COALESCE(@phoneDigest, phone_digest),
         phone_key_id = CASE WHEN @phoneDigest IS NULL THEN phone_key_id ELSE @keyId END, source = 'server', updated_at = @at
       WHERE id = @localId`,
    );
    for (const m of push.members) {
      const row = {
        id: m.id,
        level: m.level,
        displayName: m.displayName ?? null,
        maskedPhone: m.maskedPhone ?? null,
        memberCode: m.memberCode ?? null,
        phoneDigest: m.phoneDigest ?? null,
        // The server's digest is an HMAC under the alliance key (docs/sync.md), not one this register made.
        keyId: m.phoneDigest ? SERVER_KEY_ID : null,
        at,
      };
      const localId = (mapped.get(m.id) as string | undefined) ?? (m.phoneDigest ? (enrolledHere.get(m.phoneDigest, m.id) as string | undefined) : undefined);
      if (localId) adopt.run({ ...row, canonicalId: m.id, localId });
      else upsert.run(row);
    }
  }, push.epoch);
}

/** Logs a message that was refused (malformed, unknown, or failed to apply); nothing else changes. */
export function recordRefused(db: Db, message: string, raw: unknown, error: string, at: number): void {
  let body: string;
  try {
    // Without personal fields (docs/security.md §3): a refused members push is exactly the one that may carry them.
    body = JSON.stringify(redactPersonal(raw), (_k, v: unknown) => (typeof v === 'function' ? '[function]' : v)) ?? String(raw);
  } catch {
    body = '[unreadable]';
  }
  const pushId = raw !== null && typeof raw === 'object' && Number.isSafeInteger((raw as { pushId?: unknown }).pushId) ? (raw as { pushId: number }).pushId : null;
  recordInbound(db, at, message.slice(0, 200), pushId, 'refused', error.slice(0, 2000), body.slice(0, 4000));
}

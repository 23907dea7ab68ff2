/**
 * `recoverFromServer`: fetch what the central service holds of this register
 * and rebuild the database from it (rebuild.ts), then number new events after
 * the service's (issue 14 §1, docs/central.md "Disaster recovery").
 *
 * Into what: a new, empty database (the disk died), or a restored backup that
 * has not sold anything since the restore. The events the database already
 * has (up to the highest seq it numbered) are skipped; each of them still in
 * its outbox must be the very event the service holds under that seq, or the
 * two histories differ (the database sold something the service never got
 * while the service holds something else) and nothing is changed.
 *
 * What cannot come back: events the register made but never sent. The
 * service knows only what it received, so the report says up to which event
 * and until when it heard from the register; anything after that on the
 * lost disk is gone.
 */
import http from 'node:http';
import https from 'node:https';
import { RESTORE_GAP, RESTORE_MARKER } from '../sync/restore-gap';
import { checkServerUrl, plainSecretBox, writeSyncConfig } from '../sync/config';
import { PIN_SEAL_KEY_META, pinSealKey } from '../sync/pin-seal';
import type { Db } from '../store/database';
import { checkRecoveredEvents, COUNTER_ONLY, rebuildFromEvents, RecoveryError, type RebuildResult, type RecoveredPush } from './rebuild';
import type { WireEvent } from '../../../shared/sync/protocol';

export { RecoveryError } from './rebuild';

export interface RecoveryServerState {
  storeId: string;
  registerId: string;
  lastSeq: number;
  lastSeenAt: number | null;
  lastSyncAt: number | null;
  lastEventAt: number | null;
  pushCursor: number;
}

export interface RecoveryReport extends RebuildResult {
  server: RecoveryServerState;
  /** The highest seq this database had numbered before (0: a new database). */
  hadUpTo: number;
  /** Events already in the database (skipped). */
  skipped: number;
  /** New events will be numbered from here. */
  nextSeq: number;
  seconds: number;
}

export interface RecoverOptions {
  url: string;
  token: string;
  allowInsecure?: boolean;
  ca?: string;
  pageSize?: number;
  now?: () => number;
  /** Called after each page, for a progress line. */
  onProgress?: (fetched: number, total: number) => void;
}

/** GET a JSON answer with the register's token; errors name the status and the service's message. */
function getJson(base: URL, path: string, token: string, ca: string | undefined): Promise<unknown> {
  const url = new URL(path, base);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, timeout: 60_000, ...(ca ? { ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            return reject(new RecoveryError(`${url.origin}${url.pathname} answered ${res.statusCode} with something that is not JSON (is this the central service?)`));
          }
          if (res.statusCode === 401) return reject(new RecoveryError('the service does not accept this token (revoked, or another register\'s): ask the alliance operator for a new enrolment code'));
          if (res.statusCode === 404) return reject(new RecoveryError(`the service at ${url.origin} cannot rebuild registers (no ${url.pathname}): it needs an update`));
          if (res.statusCode !== 200) return reject(new RecoveryError(`the service answered ${res.statusCode}: ${(body as { error?: string }).error ?? text.slice(0, 200)}`));
          resolve(body);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (error) => reject(new RecoveryError(`cannot reach ${url.origin}: ${error.message}`)));
    req.end();
  });
}

function httpBase(url: string, allowInsecure: boolean): URL {
  const checked = checkServerUrl(url, allowInsecure);
  const base = new URL(checked.origin);
  if (base.protocol === 'wss:') base.protocol = 'https:';
  if (base.protocol === 'ws:') base.protocol = 'http:';
  return base;
}

export async function fetchServerState(options: RecoverOptions): Promise<RecoveryServerState> {
  return (await getJson(httpBase(options.url, options.allowInsecure ?? false), '/recovery/state', options.token, options.ca)) as RecoveryServerState;
}

function numberedUpTo(db: Db): { acked: number; numbered: number } {
  const acked = (db.prepare('SELECT last_acked_seq FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
  const sequence = (db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").pluck().get() as number | undefined) ?? 0;
  return { acked, numbered: Math.max(acked, sequence) };
}

function setMeta(db: Db, key: string, value: string, onlyIfAbsent = false): void {
  db.prepare(`INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO ${onlyIfAbsent ? 'NOTHING' : 'UPDATE SET value = excluded.value'}`).run(key, value);
}

export async function recoverFromServer(db: Db, options: RecoverOptions): Promise<RecoveryReport> {
  const now = options.now ?? Date.now;
  const started = Date.now();
  const base = httpBase(options.url, options.allowInsecure ?? false);
  const server = (await getJson(base, '/recovery/state', options.token, options.ca)) as RecoveryServerState;
  const { acked, numbered } = numberedUpTo(db);
  const outboxIds = new Map(
    (db.prepare('SELECT seq, event_id FROM outbox WHERE seq > ?').all(acked) as { seq: number; event_id: string }[]).map((r) => [r.seq, r.event_id]),
  );
  if (numbered > server.lastSeq) {
    throw new RecoveryError(
      `this database has numbered ${numbered} events but the service holds only ${server.lastSeq}: it is not behind the service, nothing to recover (sync it instead)`,
    );
  }

  const events: WireEvent[] = [];
  const pageSize = options.pageSize ?? 1000;
  let after = acked;
  let skipped = 0;
  for (;;) {
    const page = (await getJson(base, `/recovery/events?after=${after}&limit=${pageSize}`, options.token, options.ca)) as { events: unknown[]; next: number | null };
    for (const event of checkRecoveredEvents(page.events)) {
      if (event.seq !== after + 1) throw new RecoveryError(`the service skipped from event ${after} to ${event.seq}: its data is incomplete; ask the alliance operator`);
      after = event.seq;
      if (event.seq <= numbered) {
        const mine = outboxIds.get(event.seq);
        if (mine !== undefined && mine !== event.id) {
          throw new RecoveryError(
            `event ${event.seq} in this database is not the one the service holds: this database sold something after its backup that the service never got. ` +
              'Recover into a new, empty database instead (the sales made here after the backup are then lost)',
          );
        }
        skipped += 1;
        continue;
      }
      events.push(event);
    }
    options.onProgress?.(after - acked, server.lastSeq - acked);
    if (page.next === null || page.events.length === 0) break;
  }
  if (after < server.lastSeq) throw new RecoveryError(`the service says it holds ${server.lastSeq} events but sent only up to ${after}; try again`);

  const pushes: RecoveredPush[] = [];
  // A restored database applied some pushes already; those are not applied twice.
  const lastPush = (db.prepare('SELECT last_push_id FROM sync_state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
  for (let afterPush = lastPush; ; ) {
    const page = (await getJson(base, `/recovery/pushes?after=${afterPush}&limit=100`, options.token, options.ca)) as { pushes: RecoveredPush[]; next: number | null };
    pushes.push(...page.pushes);
    if (page.next === null || page.pushes.length === 0) break;
    afterPush = page.next;
  }

  const result = db
    .transaction(() => {
      // The id the register numbered its orders and shifts with (app_meta register.id, else its queue's id — register.ts),
      // as its own shifts name it; the service's name for it only when nothing says otherwise.
      const shiftRegister = [...events].reverse().find((e) => e.type === 'shift.opened')?.payload as { shift: { registerId: string } } | undefined;
      const queueIds = [...new Set(events.filter((e) => !COUNTER_ONLY.has(e.type)).map((e) => e.queueId))];
      const meta = (key: string) => db.prepare('SELECT value FROM app_meta WHERE key = ?').pluck().get(key) as string | undefined;
      const registerId =
        meta('register.id') ??
        (db.prepare('SELECT register_id FROM shifts ORDER BY id DESC LIMIT 1').pluck().get() as string | undefined) ??
        shiftRegister?.shift.registerId ??
        meta('register.queueId') ??
        (queueIds.length === 1 ? queueIds[0]! : server.registerId);
      const pinKey = pinSealKey(options.token);
      const rebuilt = rebuildFromEvents(db, events, pushes, now(), { pinKey, registerId });
      // People changed from now on are sealed under this token's key, as before the loss (no re-send: the service has them).
      setMeta(db, PIN_SEAL_KEY_META, pinKey.toString('base64'));
      // New events are numbered after everything the service holds; what the
      // outbox still had up to there is held by the service already.
      const continueAfter = Math.max(server.lastSeq, numbered);
      db.prepare('DELETE FROM outbox WHERE seq <= ?').run(server.lastSeq);
      db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'outbox'").run(continueAfter);
      if ((db.prepare('SELECT changes()').pluck().get() as number) === 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(continueAfter);
      db.prepare('UPDATE sync_state SET last_acked_seq = ?, last_push_id = max(last_push_id, ?) WHERE id = 1').run(server.lastSeq, server.pushCursor);
      const baseSettings = [...pushes].reverse().find((p) => p.message === 'sync:base-settings' && p.body.queueId === undefined);
      if (baseSettings) db.prepare('UPDATE sync_state SET base_settings = ? WHERE id = 1').run(JSON.stringify(baseSettings.body.settings));
      db.prepare('DELETE FROM app_meta WHERE key IN (?, ?)').run(RESTORE_MARKER, RESTORE_GAP);
      // The address and who this register is; no token is written here (a token stored for another server is cleared by writeSyncConfig).
      writeSyncConfig(
        db,
        { url: options.url, storeId: server.storeId, registerId: server.registerId, ...(options.allowInsecure ? { allowInsecure: true } : {}) },
        plainSecretBox,
      );
      // The register's own queue is the one its events were about (register.ts reads register.queueId).
      if (queueIds.length === 1) setMeta(db, 'register.queueId', queueIds[0]!, true);
      setMeta(db, 'register.id', registerId, true);
      setMeta(
        db,
        'recovery.last',
        JSON.stringify({ at: now(), fromSeq: numbered + 1, toSeq: server.lastSeq, lastSeenAt: server.lastSeenAt, lastEventAt: server.lastEventAt }),
      );
      return { ...rebuilt, nextSeq: continueAfter + 1 };
    })
    .immediate();

  return { ...result, server, hadUpTo: numbered, skipped, seconds: (Date.now() - started) / 1000 };
}

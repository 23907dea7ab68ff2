/**
 * A register on a real SQLite file in a temp dir, with a pinned clock, a
 * seeded random source and cheap scrypt, driven through the real command handler.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, CommandResult } from '../../shared/contract';
import { changeSettings, seededRandom } from '../../shared/engine/index';
import type { SettingsLayer } from '../../shared/settings';
import { createCommandHandler, type CommandHandler } from '../../electron/backend/app/handlers';
import { phoneDigest, phoneKeyFromSecret } from '../../electron/backend/members/phone-digest';
import { RegisterBackend, type Logger, type RegisterOptions } from '../../electron/backend/app/register';
import type { Db } from '../../electron/backend/store/database';

export const T0 = Date.parse('2026-03-02T10:00:00+08:00');
export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
export const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };
/** The phone digest key of test registers (a fixed one, so tests can compute digests). */
export const TEST_PHONE_KEY = phoneKeyFromSecret(Buffer.alloc(32, 7));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'qrc-app-'));
  dirs.push(dir);
  return dir;
}

export interface Harness {
  file: string;
  clock: { now: number };
  backend: RegisterBackend;
  handle: CommandHandler;
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandResult<N>>;
  ok<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  reopen(): Harness;
  close(): void;
}

export function openHarness(file = path.join(tempDir(), 'cashier.db'), clock = { now: T0 }, options: Partial<RegisterOptions> = {}): Harness {
  const backend = RegisterBackend.open(file, { now: () => clock.now, random: seededRandom(7), logger: quietLogger, scryptCost: CHEAP_SCRYPT, phoneKey: TEST_PHONE_KEY, ...options });
  const handle = createCommandHandler(backend, quietLogger);
  const h: Harness = {
    file,
    clock,
    backend,
    handle,
    call: (name, input) => handle(name, input) as never,
    ok: async (name, input) => {
      const r = await handle(name, input);
      if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
      return r.value as never;
    },
    reopen: () => {
      backend.close();
      return openHarness(file, clock, options);
    },
    close: () => backend.close(),
  };
  return h;
}

export function configure(backend: RegisterBackend, cashier: SettingsLayer): void {
  backend.store.transaction(() =>
    changeSettings(
      { store: backend.store, queueId: backend.queueId, timezone: 'Asia/Shanghai', random: seededRandom(1), newEventId: () => `set-${Math.random()}` },
      { at: backend.now(), cashier, actor: 'test', source: 'manager' },
    ),
  );
}

export function addMember(db: Db, m: { id: string; level?: string; code?: string; phone?: string; maskedPhone?: string }): void {
  db.prepare(
    `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, source, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'local', 0)`,
  ).run(m.id, m.level ?? 'normal', null, m.maskedPhone ?? null, m.code ?? null, m.phone ? phoneDigest(TEST_PHONE_KEY, m.phone) : null);
}

/** A logical dump of every table (and the schema version), hashed: "byte-for-byte unchanged" for the data. */
export function dbHash(db: Db): string {
  const hash = createHash('sha256');
  hash.update(String(db.pragma('user_version', { simple: true })));
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') ORDER BY name").all() as { name: string; sql: string | null }[];
  for (const t of tables) {
    hash.update(`${t.name}\n${t.sql ?? ''}\n`);
    const isTable = (db.prepare("SELECT type FROM sqlite_master WHERE name = ?").get(t.name) as { type: string }).type === 'table';
    if (!isTable || t.name.startsWith('sqlite_')) continue;
    // Rows in a canonical order (some tables are WITHOUT ROWID): sorted by their JSON text.
    const rows = db.prepare(`SELECT * FROM "${t.name}"`).all().map((row) => JSON.stringify(row));
    for (const row of rows.sort()) hash.update(row);
  }
  return hash.digest('hex');
}

/** First manager + signed in + an open shift with a 500.00 float. */
export async function readyToSell(h: Harness, floatFen = 50_000): Promise<{ managerId: string }> {
  const manager = await h.ok('setup.createManager', { name: '店长', pin: '2468' });
  await h.ok('shift.open', { openingFloatFen: floatFen });
  return { managerId: manager.id };
}

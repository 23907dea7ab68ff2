/**
 * The two databases every central test runs against: a real PostgreSQL
 * server started from Debian's package into a temp dir (127.0.0.1, a free
 * port, its unix socket in the temp dir, stopped afterwards; run as the
 * `postgres` user when the tests run as root, which PostgreSQL refuses) and
 * embedded PGlite. `describe.each(DATABASES)` runs a suite on both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openPglite, openPostgres, type SqlDb } from '../../central/db/adapter';

const PG_BIN = process.env.CENTRAL_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** A URL of the server's `postgres` database. */
  adminUrl: string;
  port: number;
  /** A fresh empty database on the server. */
  newDatabaseUrl(): Promise<string>;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs as the postgres user when we are root (setpriv execs, so the pid is the server's own). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (pw.status !== 0) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
  return ['setpriv', [`--reuid=${pw.stdout.trim()}`, `--regid=${gid.stdout.trim()}`, '--clear-groups', '--', command, ...args]];
}

/** `durable`: keep fsync on (benchmarks); tests run without it. */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) throw new Error(`PostgreSQL is not installed (${PG_BIN}/initdb missing): .ci/run installs Debian's postgresql`);
  const dir = mkdtempSync(path.join(tmpdir(), 'central-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const [initCmd, initArgs] = asPostgres(path.join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const [cmd, args] = asPostgres(path.join(PG_BIN, 'postgres'), [
    '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
    // A throwaway server: no fsync (unless a benchmark wants commits as durable as in production), small memory.
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    '-c', 'shared_buffers=64MB', '-c', 'max_connections=200',
  ]);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = openPostgres(adminUrl, { max: 1 });
    try {
      await probe.query('SELECT 1');
      await probe.close();
      break;
    } catch (error) {
      await probe.close().catch(() => {});
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let counter = 0;
  return {
    adminUrl,
    port,
    async newDatabaseUrl() {
      const name = `t${process.pid}_${++counter}`;
      const admin = openPostgres(adminUrl, { max: 1 });
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // SIGQUIT: immediate shutdown (a throwaway server needs no checkpoint).
        child.kill('SIGQUIT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<TestPostgres> | null = null;

/** One server per test file (started on first use); call `stopSharedPostgres` in afterAll. */
export function sharedPostgres(): Promise<TestPostgres> {
  shared ??= startPostgres();
  return shared;
}

export async function stopSharedPostgres(): Promise<void> {
  const lite = sharedPglite;
  sharedPglite = null;
  await (await lite?.catch(() => null))?.close();
  if (!shared) return;
  const pg = await shared.catch(() => null);
  shared = null;
  await pg?.stop();
}

export type DatabaseKind = 'PostgreSQL' | 'PGlite';
export const DATABASES: DatabaseKind[] = ['PostgreSQL', 'PGlite'];

let sharedPglite: Promise<SqlDb> | null = null;
let schemaCounter = 0;

/**
 * A fresh, empty database of the kind. PGlite takes 10–15 s to start on a
 * loaded machine, so one instance serves a test file and each test gets its
 * own schema (first on the search path); tests of a file run one at a time.
 */
export async function openTestDatabase(kind: DatabaseKind): Promise<SqlDb> {
  if (kind === 'PostgreSQL') return openPostgres(await (await sharedPostgres()).newDatabaseUrl());
  sharedPglite ??= openPglite(undefined);
  const db = await sharedPglite;
  const schema = `t${++schemaCounter}`;
  await db.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public`);
  // Closing a test's database leaves the shared instance open for the next test.
  return { ...db, close: async () => {} };
}

/**
 * `CENTRAL_TOKENS=t1,t2 npm run central -- --port N --db PATH [--token-file FILE]`:
 * runs the reference central server until SIGINT/SIGTERM.
 *
 *   --port N          0 picks a free port (default 0)
 *   --db PATH         the server's SQLite file (created if missing)
 *   --token-file FILE register tokens to accept, one per line; and/or
 *                     CENTRAL_TOKENS=t1,t2. Without any, one is generated and printed.
 *                     Never on the command line (--token is refused: argv is
 *                     visible to every user of the machine, docs/security.md §3).
 *   --host H          address to listen on (default 127.0.0.1)
 *   --cert PEM --key PEM   serve https/wss
 *   --delay-before-apply-ms N, --delay-before-ack-ms N   slow batches down (tests)
 *
 * Prints one JSON line on stdout when listening: {"event":"listening","url",…}.
 * Logs go to stderr.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCentralServer } from './central-server';

function fail(message: string): never {
  process.stderr.write(`central: ${message}\n`);
  process.exit(2);
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        token: { type: 'string', multiple: true },
        'token-file': { type: 'string' },
        host: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'delay-before-apply-ms': { type: 'string' },
        'delay-before-ack-ms': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!values.db) fail('--db PATH is required');
  if (Boolean(values.cert) !== Boolean(values.key)) fail('--cert and --key go together');
  if (values.token) fail('--token is refused: a token on the command line is visible to every user of this machine; use CENTRAL_TOKENS=t1,t2 or --token-file FILE');
  let fromFile: string[] = [];
  if (values['token-file']) {
    try {
      fromFile = readFileSync(values['token-file'], 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    } catch (error) {
      fail(`cannot read the token file: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const tokens = [...fromFile, ...(process.env.CENTRAL_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean)];
  if (tokens.length === 0) {
    const generated = randomBytes(18).toString('base64url');
    tokens.push(generated);
    process.stderr.write(`central: no --token given; registers may use this one: ${generated}\n`);
  }
  const server = await startCentralServer({
    port: wholeNumber(values.port, 'port', 0),
    host: values.host ?? '127.0.0.1',
    dbPath: values.db,
    tokens,
    ...(values.cert && values.key ? { tls: { cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8') } } : {}),
    delayBeforeApplyMs: wholeNumber(values['delay-before-apply-ms'], 'delay-before-apply-ms', 0),
    delayBeforeAckMs: wholeNumber(values['delay-before-ack-ms'], 'delay-before-ack-ms', 0),
    logger: {
      info: (m) => process.stderr.write(`central: ${m}\n`),
      warn: (m) => process.stderr.write(`central: warning: ${m}\n`),
    },
  });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, port: server.port })}\n`);
  const shutdown = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

/**
 * `npx tsx scripts/bench/run-all.ts [args…]`: runs every scripts/bench/*.ts
 * except this one, one after the other, each as its own `npx tsx` child
 * process (so one benchmark's memory and open databases never weigh on the
 * next), and passes their JSON lines through on stdout. Extra arguments go
 * to every benchmark. Exit status 1 when any benchmark failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const self = fileURLToPath(import.meta.url);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && join(here, name) !== self)
  .sort();

let failed = 0;
for (const name of scripts) {
  const script = relative(root, join(here, name));
  process.stderr.write(`bench: ${script}\n`);
  const result = spawnSync('npx', ['tsx', script, ...process.argv.slice(2)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(`${JSON.stringify({ bench: name.replace(/\.ts$/, ''), case: 'error', status: result.status, signal: result.signal })}\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;

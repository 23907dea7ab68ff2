/**
 * The renderer the browser tests open: built once for the sources at hand
 * (`vite build --mode web` into a temporary folder named by a hash of what
 * goes into the page) and served by `vite preview` on 127.0.0.1, port 0.
 *
 * Why not Vite's dev server, as before: it injects a client that reloads the
 * page whenever the server re-optimizes a dependency or loses its websocket,
 * and it transforms hundreds of modules on each page's first load. On a
 * loaded CI machine a keyboard test then lost keys (a key pressed while the
 * page was reloading or not yet wired). The built page is also the one the
 * packaged app loads (dist/), so the tests see what ships.
 *
 * Parallel test files may both find no build and both build: each writes its
 * own folder and renames it into place; the loser's copy is dropped. No lock
 * to go stale when a worker is killed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { preview, type PreviewServer } from 'vite';

const BUILD_PREFIX = 'qrc-e2e-renderer-';
const run = promisify(execFile);

/** What the built page is made of: a change to any of these builds it anew. */
function sourcesHash(root: string): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else add(file);
    }
  };
  walk(path.join(root, 'renderer'));
  walk(path.join(root, 'shared'));
  for (const file of ['vite.config.ts', 'package-lock.json', 'tsconfig.json']) if (existsSync(path.join(root, file))) add(path.join(root, file));
  return hash.digest('hex').slice(0, 16);
}

/** Builds the renderer unless this very source is already built; returns the folder of index.html. */
export async function builtRenderer(root: string): Promise<string> {
  const outDir = path.join(tmpdir(), `${BUILD_PREFIX}${sourcesHash(root)}`);
  if (existsSync(path.join(outDir, 'index.html'))) return outDir;
  const partial = `${outDir}.partial-${process.pid}-${Date.now()}`;
  // Vite's own command in a process of its own, as `npm run build` runs it: inside this process the loader
  // of whoever runs the tests (tsx for scripts/screenshots.ts) broke Vite's resolution of its own modules
  // ("./modulepreload-polyfill is not exported").
  await run(process.execPath, [path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js'), 'build', '--mode', 'web', '--outDir', partial, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
  });
  try {
    renameSync(partial, outDir);
  } catch (error) {
    // Another test file built the same sources first: use its copy.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(path.join(outDir, 'index.html'))) throw error;
  }
  dropOldBuilds(outDir);
  return outDir;
}

/** Builds of earlier sources (a day old or more: a test run of those sources may still be going). */
function dropOldBuilds(current: string): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(tmpdir())) {
    const dir = path.join(tmpdir(), name);
    if (!name.startsWith(BUILD_PREFIX) || dir === current) continue;
    try {
      if (statSync(dir).mtimeMs < dayAgo) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile (another test file dropped it).
    }
  }
}

export async function serveRenderer(root: string): Promise<PreviewServer> {
  const outDir = await builtRenderer(root);
  return preview({
    configFile: path.join(root, 'vite.config.ts'),
    root: path.join(root, 'renderer'),
    mode: 'web',
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
}

export function rendererUrl(server: PreviewServer): string {
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not report a TCP address');
  return `http://127.0.0.1:${address.port}/`;
}

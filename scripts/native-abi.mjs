#!/usr/bin/env node
// @ts-check
/**
 * native-abi.mjs — keep better-sqlite3's compiled binary matched to the
 * runtime that is about to load it.
 *
 *   node scripts/native-abi.mjs node       before tests / CLI (Node's ABI)
 *   node scripts/native-abi.mjs electron   before `npm start` / packaging
 *   node scripts/native-abi.mjs status     print what is built, change nothing
 *
 * Flags: --force (rebuild even if it looks right), --check (exit 1 instead of
 * rebuilding when a rebuild would be needed), --quiet (say nothing when
 * nothing needs doing). All messages go to stderr: stdout belongs to the
 * command that runs next (e.g. `npm run --silent simulate` prints JSON).
 * Env:   NATIVE_ABI_FROM_SOURCE=1 skips the prebuilt-binary download attempt
 *        for the Node rebuild (useful offline).
 *
 * How it decides (see docs/stack.md):
 *  1. A marker file node_modules/better-sqlite3/build/abi-target.json records
 *     the target (node|electron), its version, ABI, platform and arch of the
 *     last build made by this script. No marker = a plain `npm install`
 *     built it, i.e. for Node.
 *  2. The marker is double-checked by loading the binary in a child Node
 *     process: a Node build opens ':memory:'; an Electron build fails with
 *     "compiled against ... NODE_MODULE_VERSION <abi>", which tells us the
 *     ABI it was really built for.
 *  3. Only on a mismatch it rebuilds: `npm rebuild better-sqlite3` for Node
 *     (from source when no prebuilt binary can be downloaded, ~80 s on two
 *     cores), @electron/rebuild for the installed Electron version.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MODULE_NAME = 'better-sqlite3';
export const MARKER_NAME = 'abi-target.json';

/** @typedef {'node' | 'electron'} Target */
/**
 * @typedef {object} AbiInfo
 * @property {Target} target
 * @property {string} version   Node or Electron version
 * @property {string} abi       NODE_MODULE_VERSION
 * @property {string} platform
 * @property {string} arch
 */
/**
 * @typedef {object} Probe
 * @property {boolean} binaryExists  build/Release/better_sqlite3.node exists
 * @property {boolean} loadsInNode   it opened ':memory:' in this Node
 * @property {string | null} reportedAbi  the ABI named by a load error, if any
 * @property {string} detail         first line of the load error, if any
 */

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} root */
export function moduleDir(root = projectRoot) {
  const require = createRequire(path.join(root, 'package.json'));
  return path.dirname(require.resolve(`${MODULE_NAME}/package.json`));
}

/** @param {string} dir */
export function markerPath(dir) {
  return path.join(dir, 'build', MARKER_NAME);
}

/** @param {string} dir */
export function binaryPath(dir) {
  return path.join(dir, 'build', 'Release', 'better_sqlite3.node');
}

/**
 * @param {string} dir
 * @returns {AbiInfo | null}
 */
export function readMarker(dir) {
  try {
    const parsed = JSON.parse(fs.readFileSync(markerPath(dir), 'utf8'));
    if (parsed && (parsed.target === 'node' || parsed.target === 'electron')) return parsed;
  } catch {
    // missing or unreadable: treat as "no marker"
  }
  return null;
}

/**
 * @param {string} dir
 * @param {AbiInfo} info
 */
export function writeMarker(dir, info) {
  fs.writeFileSync(
    markerPath(dir),
    `${JSON.stringify({ ...info, recordedAt: new Date().toISOString(), by: 'scripts/native-abi.mjs' }, null, 2)}\n`,
  );
}

/** @param {string} dir */
export function removeMarker(dir) {
  fs.rmSync(markerPath(dir), { force: true });
}

/** node_modules/.cache/native-abi: built binaries per target, the lock, a backup. */
export function stateDir(root = projectRoot) {
  return path.join(root, 'node_modules', '.cache', 'native-abi');
}

/**
 * Where a verified binary for `info` is kept, so that switching back and
 * forth between Node and Electron is a file copy, not a rebuild.
 * @param {string} dir better-sqlite3's folder
 * @param {AbiInfo} info
 * @param {string} root
 */
export function cachedBinaryPath(dir, info, root = projectRoot) {
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const key = `${MODULE_NAME}-${version}-${info.target}-abi${info.abi}-${info.platform}-${info.arch}`;
  return path.join(stateDir(root), key, 'better_sqlite3.node');
}

/**
 * @param {string} from
 * @param {string} to
 */
function copyFileAtomic(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.${process.pid}.tmp`;
  fs.copyFileSync(from, tmp);
  fs.renameSync(tmp, to);
}

/**
 * What the given target needs.
 * @param {Target} target
 * @param {string} root
 * @returns {AbiInfo}
 */
export function wantedAbi(target, root = projectRoot) {
  const base = { platform: process.platform, arch: process.arch };
  if (target === 'node') {
    return { target, version: process.versions.node, abi: process.versions.modules, ...base };
  }
  const require = createRequire(path.join(root, 'package.json'));
  const electronDir = path.dirname(require.resolve('electron/package.json'));
  const version = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  let abi = '';
  try {
    abi = fs.readFileSync(path.join(electronDir, 'abi_version'), 'utf8').trim();
  } catch {
    try {
      // node-abi ships with @electron/rebuild
      const nodeAbi = createRequire(require.resolve('@electron/rebuild/package.json'))('node-abi');
      abi = String(nodeAbi.getAbi(version, 'electron'));
    } catch {
      abi = 'unknown';
    }
  }
  return { target, version, abi, ...base };
}

/**
 * Load the binary in a child Node process (never in this one: a loaded .node
 * file cannot be unloaded, and it would lock the file on Windows).
 * @param {string} dir
 * @returns {Probe}
 */
export function probe(dir) {
  const binaryExists = fs.existsSync(binaryPath(dir));
  if (!binaryExists) return { binaryExists, loadsInNode: false, reportedAbi: null, detail: 'no compiled binary' };
  const code = `const D = require(${JSON.stringify(dir)}); const db = new D(':memory:'); db.prepare('select 1').get(); db.close();`;
  const res = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60_000 });
  if (res.status === 0) return { binaryExists, loadsInNode: true, reportedAbi: null, detail: '' };
  const stderr = `${res.stderr ?? ''}${res.error ? String(res.error) : ''}`;
  const m = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(stderr);
  const detail = (stderr.split('\n').find((l) => /Error/.test(l)) ?? stderr.split('\n')[0] ?? '').trim();
  return { binaryExists, loadsInNode: false, reportedAbi: m?.[1] ?? null, detail };
}

/**
 * The pure decision: does `target` need a rebuild?
 * @param {{ wanted: AbiInfo, marker: AbiInfo | null, probe: Probe }} input
 * @returns {{ rebuild: boolean, reason: string }}
 */
export function decide({ wanted, marker, probe: p }) {
  if (!p.binaryExists) return { rebuild: true, reason: 'better_sqlite3.node is missing' };
  if (wanted.target === 'node') {
    if (p.loadsInNode) return { rebuild: false, reason: `loads in Node ${wanted.version} (ABI ${wanted.abi})` };
    const built = p.reportedAbi ? `ABI ${p.reportedAbi}` : (marker ? `${marker.target} ${marker.version}` : 'unknown');
    return { rebuild: true, reason: `built for ${built}, Node needs ABI ${wanted.abi}${p.detail ? ` (${p.detail})` : ''}` };
  }
  // electron
  if (p.loadsInNode) return { rebuild: true, reason: 'built for Node (it loads in Node), Electron needs ABI ' + wanted.abi };
  const markerMatches =
    marker !== null &&
    marker.target === 'electron' &&
    marker.version === wanted.version &&
    marker.platform === wanted.platform &&
    marker.arch === wanted.arch;
  if (p.reportedAbi !== null) {
    if (p.reportedAbi !== wanted.abi) {
      return { rebuild: true, reason: `built for ABI ${p.reportedAbi}, Electron ${wanted.version} needs ABI ${wanted.abi}` };
    }
    // Right ABI; the marker also pins the exact Electron version and arch.
    if (marker === null || markerMatches) {
      return { rebuild: false, reason: `built for Electron ABI ${wanted.abi}` };
    }
    return { rebuild: true, reason: `marker says ${marker.target} ${marker.version} ${marker.arch}, want Electron ${wanted.version} ${wanted.arch}` };
  }
  if (markerMatches) return { rebuild: false, reason: `marker says Electron ${wanted.version}` };
  return { rebuild: true, reason: `cannot confirm an Electron ${wanted.version} build${p.detail ? ` (${p.detail})` : ''}` };
}

/**
 * Run a command, inheriting stdio.
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnSyncOptions} [opts]
 */
function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

/** @param {string} root */
function rebuildForNode(root) {
  const args = ['rebuild', MODULE_NAME];
  if (process.env.NATIVE_ABI_FROM_SOURCE === '1') args.push('--build-from-source');
  const npmCli = process.env.npm_execpath;
  if (npmCli && /npm-cli\.[cm]?js$/.test(npmCli)) {
    run(process.execPath, [npmCli, ...args], { cwd: root });
  } else {
    run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, shell: process.platform === 'win32' });
  }
}

/**
 * @param {string} root
 * @param {AbiInfo} wanted
 */
async function rebuildForElectron(root, wanted) {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: root,
    electronVersion: wanted.version,
    arch: wanted.arch,
    onlyModules: [MODULE_NAME],
    force: true,
  });
}

/**
 * A lock so that two `npm test` runs in one checkout do not rebuild at once
 * (outside build/, which a rebuild deletes).
 * @param {string} root
 * @returns {Promise<() => void>} release
 */
async function acquireLock(root) {
  const lock = path.join(stateDir(root), 'lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lock, 'utf8').trim());
      let alive = false;
      try {
        if (holder > 0) {
          process.kill(holder, 0);
          alive = true;
        }
      } catch {
        alive = false;
      }
      if (!alive) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (pid ${holder})`);
      if (!acquireLock.waiting) {
        console.error(`[native-abi] waiting for another rebuild (pid ${holder})…`);
        acquireLock.waiting = true;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
/** @type {boolean} */
acquireLock.waiting = false;

/**
 * Keep a copy of the current (verified) binary for `info`, if not kept yet.
 * @param {string} dir
 * @param {AbiInfo} info
 * @param {string} root
 */
function remember(dir, info, root) {
  try {
    const cached = cachedBinaryPath(dir, info, root);
    const current = binaryPath(dir);
    if (!fs.existsSync(current)) return;
    if (fs.existsSync(cached) && fs.statSync(cached).size === fs.statSync(current).size) return;
    copyFileAtomic(current, cached);
  } catch {
    // the cache is an optimisation only
  }
}

/**
 * Put a cached binary for `info` in place. True when there was one.
 * @param {string} dir
 * @param {AbiInfo} info
 * @param {string} root
 */
function restoreCached(dir, info, root) {
  const cached = cachedBinaryPath(dir, info, root);
  if (!fs.existsSync(cached)) return false;
  copyFileAtomic(cached, binaryPath(dir));
  return true;
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function main(argv) {
  const mode = argv[0];
  const force = argv.includes('--force');
  const checkOnly = argv.includes('--check');
  if (mode !== 'node' && mode !== 'electron' && mode !== 'status') {
    console.error('usage: node scripts/native-abi.mjs node|electron|status [--force] [--check]');
    return 2;
  }
  const quiet = argv.includes('--quiet');
  const root = projectRoot;
  const dir = moduleDir(root);
  const tag = '[native-abi]';
  /** Progress goes to stderr: stdout belongs to the command that runs next. */
  const log = (/** @type {string} */ msg) => {
    if (!quiet || !msg.includes(' OK for ')) console.error(msg);
  };

  if (mode === 'status') {
    const p = probe(dir);
    console.log(JSON.stringify({ marker: readMarker(dir), probe: p, node: wantedAbi('node', root), electron: wantedAbi('electron', root) }, null, 2));
    return 0;
  }

  const target = /** @type {Target} */ (mode);
  const wanted = wantedAbi(target, root);
  let verdict = decide({ wanted, marker: readMarker(dir), probe: probe(dir) });
  if (!verdict.rebuild && !force) {
    // Keep the marker truthful even when an external `npm install` built it.
    const marker = readMarker(dir);
    if (target === 'node' && (marker?.target !== 'node' || marker.abi !== wanted.abi)) writeMarker(dir, wanted);
    remember(dir, wanted, root);
    log(`${tag} ${MODULE_NAME} OK for ${target}: ${verdict.reason}`);
    return 0;
  }
  if (checkOnly) {
    console.error(`${tag} ${MODULE_NAME} needs a rebuild for ${target}: ${verdict.reason}`);
    return 1;
  }

  const release = await acquireLock(root);
  try {
    // Another process may have rebuilt while we waited.
    verdict = decide({ wanted, marker: readMarker(dir), probe: probe(dir) });
    if (!verdict.rebuild && !force) {
      log(`${tag} ${MODULE_NAME} OK for ${target}: ${verdict.reason}`);
      return 0;
    }
    // Keep what is there now: cached if it is a known-good build for the
    // other target, and as a backup to put back if the rebuild fails.
    const previousMarker = readMarker(dir);
    const before = probe(dir);
    if (before.loadsInNode) remember(dir, wantedAbi('node', root), root);
    else if (previousMarker?.target === 'electron' && before.reportedAbi === previousMarker.abi) remember(dir, previousMarker, root);
    const backup = path.join(stateDir(root), 'previous.node');
    if (before.binaryExists) copyFileAtomic(binaryPath(dir), backup);

    if (!force && restoreCached(dir, wanted, root)) {
      const again = decide({ wanted, marker: wanted, probe: probe(dir) });
      if (!again.rebuild) {
        writeMarker(dir, wanted);
        log(`${tag} ${MODULE_NAME} switched to the cached ${target} ${wanted.version} build (${again.reason})`);
        return 0;
      }
    }

    log(`${tag} rebuilding ${MODULE_NAME} for ${target} ${wanted.version} (ABI ${wanted.abi}): ${force ? 'forced' : verdict.reason}`);
    const started = Date.now();
    removeMarker(dir);
    try {
      if (target === 'node') rebuildForNode(root);
      else await rebuildForElectron(root, wanted);
    } catch (err) {
      // Do not leave the checkout without a binary (a failed node-gyp run
      // deletes build/): put the previous one back.
      if (before.binaryExists && !fs.existsSync(binaryPath(dir))) {
        copyFileAtomic(backup, binaryPath(dir));
        if (previousMarker) writeMarker(dir, previousMarker);
        log(`${tag} put the previous binary back`);
      }
      throw err;
    }

    const after = probe(dir);
    const ok = target === 'node' ? after.loadsInNode : !after.loadsInNode && after.binaryExists && (after.reportedAbi === null || after.reportedAbi === wanted.abi);
    if (!ok) {
      console.error(`${tag} rebuild finished but the binary is still wrong: ${after.detail || 'it loads in Node'}`);
      return 1;
    }
    writeMarker(dir, wanted);
    remember(dir, wanted, root);
    log(`${tag} ${MODULE_NAME} rebuilt for ${target} ${wanted.version} in ${Math.round((Date.now() - started) / 1000)} s`);
    return 0;
  } catch (err) {
    console.error(`${tag} rebuild for ${target} failed: ${err instanceof Error ? err.message : String(err)}`);
    if (target === 'electron') {
      console.error(`${tag} the Electron build needs Electron's headers or a prebuilt binary from the internet.`);
    }
    return 1;
  } finally {
    release();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * scripts/native-abi.mjs: the decision table, the marker, and a real probe
 * of the installed better-sqlite3 (which `npm test` has just made sure is
 * built for this Node).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binaryPath,
  cachedBinaryPath,
  decide,
  moduleDir,
  probe,
  readMarker,
  removeMarker,
  wantedAbi,
  writeMarker,
} from '../../scripts/native-abi.mjs';

const node = { target: 'node', version: '20.20.2', abi: '115', platform: 'linux', arch: 'x64' } as const;
const electron = { target: 'electron', version: '42.11.18', abi: '146', platform: 'linux', arch: 'x64' } as const;
const loads = { binaryExists: true, loadsInNode: true, reportedAbi: null, detail: '' };
const electronBuild = { binaryExists: true, loadsInNode: false, reportedAbi: '146', detail: 'Error: …NODE_MODULE_VERSION 146…' };

describe('decide()', () => {
  it('rebuilds when the binary is missing', () => {
    const missing = { binaryExists: false, loadsInNode: false, reportedAbi: null, detail: '' };
    expect(decide({ wanted: node, marker: null, probe: missing }).rebuild).toBe(true);
    expect(decide({ wanted: electron, marker: electron, probe: missing }).rebuild).toBe(true);
  });

  it('node: no marker and it loads = fresh npm install, nothing to do', () => {
    expect(decide({ wanted: node, marker: null, probe: loads }).rebuild).toBe(false);
  });

  it('node: an Electron build is rebuilt, whatever the marker says', () => {
    expect(decide({ wanted: node, marker: electron, probe: electronBuild }).rebuild).toBe(true);
    expect(decide({ wanted: node, marker: node, probe: electronBuild }).rebuild).toBe(true);
  });

  it('electron: a Node build is rebuilt', () => {
    expect(decide({ wanted: electron, marker: null, probe: loads }).rebuild).toBe(true);
    expect(decide({ wanted: electron, marker: electron, probe: loads }).rebuild).toBe(true);
  });

  it('electron: the right ABI and marker means no rebuild', () => {
    expect(decide({ wanted: electron, marker: electron, probe: electronBuild }).rebuild).toBe(false);
  });

  it('electron: another Electron version or arch is rebuilt', () => {
    const older = { ...electronBuild, reportedAbi: '140' };
    expect(decide({ wanted: electron, marker: { ...electron, version: '41.0.0', abi: '140' }, probe: older }).rebuild).toBe(true);
    expect(decide({ wanted: electron, marker: { ...electron, arch: 'arm64' }, probe: electronBuild }).rebuild).toBe(true);
  });

  it('electron: falls back to the marker when the load error names no ABI', () => {
    const opaque = { binaryExists: true, loadsInNode: false, reportedAbi: null, detail: 'Error: weird' };
    expect(decide({ wanted: electron, marker: electron, probe: opaque }).rebuild).toBe(false);
    expect(decide({ wanted: electron, marker: null, probe: opaque }).rebuild).toBe(true);
  });
});

describe('marker file', () => {
  it('round-trips and can be removed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'native-abi-'));
    try {
      fs.mkdirSync(path.join(dir, 'build'));
      expect(readMarker(dir)).toBeNull();
      writeMarker(dir, electron);
      expect(readMarker(dir)).toMatchObject(electron);
      removeMarker(dir);
      expect(readMarker(dir)).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('binary cache', () => {
  it('keys cached builds by module version, target, ABI, platform and arch', () => {
    const dir = moduleDir();
    const a = cachedBinaryPath(dir, node);
    expect(a).toMatch(/node_modules[\\/]\.cache[\\/]native-abi[\\/]better-sqlite3-\d+\.\d+\.\d+-node-abi115-linux-x64[\\/]better_sqlite3\.node$/);
    expect(cachedBinaryPath(dir, electron)).not.toBe(a);
    expect(cachedBinaryPath(dir, { ...electron, arch: 'arm64' })).not.toBe(cachedBinaryPath(dir, electron));
  });
});

describe('the installed better-sqlite3', () => {
  it('is built for this Node (npm test ran `native-abi.mjs node` first)', () => {
    const dir = moduleDir();
    expect(fs.existsSync(binaryPath(dir))).toBe(true);
    const p = probe(dir);
    expect(p.loadsInNode, p.detail).toBe(true);
    expect(decide({ wanted: wantedAbi('node'), marker: readMarker(dir), probe: p }).rebuild).toBe(false);
  });

  it('knows the installed Electron version and its ABI', () => {
    const want = wantedAbi('electron');
    expect(want.version).toMatch(/^42\./);
    expect(want.abi).toMatch(/^\d+$/);
    expect(want.abi).not.toBe(process.versions.modules);
  });
});

/**
 * electron-builder.yml cannot be exercised here (packaging downloads
 * Electron), so check it against electron-builder's own JSON schema and the
 * few settings the app depends on.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Resolve electron-builder's own dependencies from its point of view.
const fromBuilder = createRequire(createRequire(path.join(root, 'package.json')).resolve('electron-builder'));
const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};

const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
  });

  it('packages the built app and unpacks the native module', () => {
    expect(config['productName']).toBe('排队返利收银台');
    expect(config['files']).toEqual(expect.arrayContaining(['dist/**', 'dist-electron/**']));
    expect(config['asarUnpack']).toEqual(expect.arrayContaining([expect.stringMatching(/better-sqlite3.*\.node/)]));
    expect(config['npmRebuild']).toBe(true);
  });

  it('agrees with package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['productName']).toBe(config['productName']);
    expect(pkg['main']).toBe('dist-electron/main.js');
    // Native modules must be runtime dependencies so that they are packaged.
    expect(Object.keys(pkg['dependencies'] as object)).toContain('better-sqlite3');
    expect(Object.keys(pkg['devDependencies'] as object)).toContain('electron');
  });
});

describe('packaged app hardening (docs/security.md §6)', () => {
  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; asar integrity and asar-only loading on', () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

/**
 * The main-process build must leave native and Node modules to require() at
 * run time. Under Vite 8 `rollupOptions.external` is silently ignored (see
 * docs/stack.md); this builds a tiny entry through vite-plugin-electron's own
 * build() with the project's main-process options and reads the output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite-plugin-electron';
import { mergeConfig } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { customerPreloadVite, electronMainVite, mainExternals } from '../../vite.config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vite-main-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('main-process build', () => {
  it('lists every runtime dependency as external', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(electronMainVite.root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies)) expect(mainExternals).toContain(dep);
    expect(mainExternals).toContain('better-sqlite3');
    expect(mainExternals).toContain('electron');
  });

  it('does not bundle better-sqlite3, electron or node: built-ins', async () => {
    const entry = path.join(tmp, 'entry.ts');
    fs.writeFileSync(
      entry,
      [
        "import Database from 'better-sqlite3';",
        "import { app } from 'electron';",
        "import { readFileSync } from 'node:fs';",
        'export const all = [Database, app, readFileSync];',
      ].join('\n'),
    );
    const outDir = path.join(tmp, 'out');
    await build({
      entry,
      vite: mergeConfig(electronMainVite, { logLevel: 'silent', build: { outDir, sourcemap: false } }),
    });
    const out = fs.readFileSync(path.join(outDir, 'entry.js'), 'utf8');
    expect(out).toMatch(/from ["']better-sqlite3["']/);
    expect(out).toMatch(/from ["']electron["']/);
    expect(out).toMatch(/from ["']node:fs["']/);
    expect(out).not.toMatch(/sqlite3_open|class Database/);
    expect(out.length).toBeLessThan(2000);
  }, 60_000);

  it('builds the customer display preload as CommonJS that requires only electron (a sandboxed preload cannot import)', async () => {
    const outDir = path.join(tmp, 'customer');
    const config = customerPreloadVite('build');
    await build({
      entry: path.join(electronMainVite.root, 'electron/shell/customer-preload.ts'),
      vite: mergeConfig(config, { logLevel: 'silent', build: { outDir } }),
    });
    const out = fs.readFileSync(path.join(outDir, 'customer-preload.cjs'), 'utf8');
    expect(out).toMatch(/require\(["']electron["']\)/);
    expect(out).not.toMatch(/^import |\bimport\s*\{/m);
    expect(out).not.toMatch(/require\(["']\./);
    expect(out).not.toMatch(/sourceMappingURL/);
  }, 60_000);
});

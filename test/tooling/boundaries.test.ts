/**
 * The layout rules in eslint.config.js must actually fire. Each case lints a
 * string under a fake path (nothing is written to disk) with the project's
 * real config. If someone deletes or loosens a rule, this fails.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The ids of the rules that reported errors for `code` at `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.ruleId ?? m.message);
}

describe('shared/ stays pure', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'no-restricted-imports'],
    ["import fs from 'fs';", 'no-restricted-imports'],
    ["import path from 'path';", 'no-restricted-imports'],
    ["import { createHash } from 'crypto';", 'no-restricted-imports'],
    ["import { app } from 'electron';", 'no-restricted-imports'],
    ["import Database from 'better-sqlite3';", 'no-restricted-imports'],
    ["import { ref } from 'vue';", 'no-restricted-imports'],
    ["import { x } from '../electron/backend/store';", 'no-restricted-imports'],
    ["import { x } from '../../renderer/App.vue';", 'no-restricted-imports'],
    ["export const p = process.env['X'];", 'no-restricted-globals'],
    ["export const b = Buffer.from('x');", 'no-restricted-globals'],
    ['export const w = window.innerWidth;', 'no-restricted-globals'],
    ["export const f = () => import('node:fs');", 'no-restricted-syntax'],
  ])('%s is rejected', async (code, rule) => {
    expect(await violations('shared/engine/__probe__.ts', `${code}\nexport {};\n`)).toContain(rule);
  });

  it('may import zod and its own files', async () => {
    const code = "import { z } from 'zod';\nimport { type Fen } from '../money';\nexport const s = z.number();\nexport type F = Fen;\n";
    expect(await violations('shared/engine/__probe__.ts', code)).toEqual([]);
  });
});

describe('renderer/ talks to the backend only through window.cashier', () => {
  it.each([
    ["import { ipcRenderer } from 'electron';"],
    ["import fs from 'node:fs';"],
    ["import os from 'os';"],
    ["import Database from 'better-sqlite3';"],
    ["import { openStore } from '../electron/backend/store';"],
    ["import { x } from '../../electron/shell/main';"],
  ])('%s is rejected', async (code) => {
    expect(await violations('renderer/components/__probe__.ts', `${code}\nexport {};\n`)).toContain('no-restricted-imports');
  });

  it('may import vue and shared/', async () => {
    const code = "import { ref } from 'vue';\nimport { type Fen } from '../../shared/money';\nexport const r = ref<Fen | null>(null);\n";
    expect(await violations('renderer/components/__probe__.ts', code)).toEqual([]);
  });
});

describe('electron/backend never imports electron', () => {
  it.each([
    ["import { app } from 'electron';", 'no-restricted-imports'],
    ["import { app } from 'electron/main';", 'no-restricted-imports'],
    ["import { x } from '../../renderer/main';", 'no-restricted-imports'],
    ["import { x } from '../shell/main';", 'no-restricted-imports'],
    ["export const e = () => import('electron');", 'no-restricted-syntax'],
  ])('%s is rejected', async (code, rule) => {
    expect(await violations('electron/backend/__probe__.ts', `${code}\nexport {};\n`)).toContain(rule);
  });

  it('may use Node, better-sqlite3 and shared/', async () => {
    const code =
      "import fs from 'node:fs';\nimport Database from 'better-sqlite3';\nimport { type Fen } from '../../shared/money';\nexport const x = [fs, Database];\nexport type F = Fen;\n";
    expect(await violations('electron/backend/__probe__.ts', code)).toEqual([]);
  });
});

describe('electron/shell is where electron lives', () => {
  it('may import electron', async () => {
    expect(await violations('electron/shell/__probe__.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
  it('may not import the renderer', async () => {
    expect(await violations('electron/shell/__probe__.ts', "import x from '../../renderer/App.vue';\nexport const a = x;\n")).toContain(
      'no-restricted-imports',
    );
  });
});

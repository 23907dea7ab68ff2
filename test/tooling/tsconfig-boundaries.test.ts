/**
 * tsconfig.shared.json must make Node and DOM globals type errors in shared/,
 * while tsconfig.node.json allows Node. The probe file is virtual: it is
 * added to an in-memory compiler host, never written to shared/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Type-check `code` as if it were shared/__probe__.ts under `tsconfig`; return its diagnostics. */
function check(tsconfig: string, code: string): string[] {
  const configFile = path.join(root, tsconfig);
  const read = ts.readConfigFile(configFile, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
  const probe = path.join(root, 'shared', '__probe__.ts').split(path.sep).join('/');
  const host = ts.createCompilerHost(parsed.options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === probe || fileExists.call(host, f);
  host.readFile = (f) => (f === probe ? code : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f === probe ? ts.createSourceFile(f, code, lang, true) : getSourceFile.call(host, f, lang, ...rest);
  // The probe alone, like a lone shared file: fast and independent of
  // whatever other engineers have in shared/ right now.
  const program = ts.createProgram({ rootNames: [probe], options: parsed.options, host });
  const sf = program.getSourceFile(probe);
  return ts
    .getPreEmitDiagnostics(program, sf)
    .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('tsconfig.shared.json', () => {
  it('has no Node globals', () => {
    const errors = check('tsconfig.shared.json', "export const b = Buffer.from('x');\nexport const p = process.env;\n");
    expect(errors.join('\n')).toMatch(/Cannot find name 'Buffer'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'process'/);
  });

  it('has no DOM', () => {
    const errors = check('tsconfig.shared.json', 'export const t = document.title;\nexport const w = window;\n');
    expect(errors.join('\n')).toMatch(/Cannot find name 'document'/);
    expect(errors.join('\n')).toMatch(/Cannot find name 'window'/);
  });

  it("cannot resolve 'node:fs'", () => {
    const errors = check('tsconfig.shared.json', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    expect(errors.join('\n')).toMatch(/Cannot find module 'node:fs'/);
  });

  it('is strict with noUncheckedIndexedAccess', () => {
    const errors = check('tsconfig.shared.json', 'const xs: number[] = [1];\nexport const n: number = xs[0];\n');
    expect(errors.join('\n')).toMatch(/TS2322/);
  });

  it('accepts plain ES2022 code', () => {
    expect(check('tsconfig.shared.json', 'export const m = new Map<string, bigint>([["a", 1n]]);\nexport const s = [1, 2].at(-1);\n')).toEqual([]);
  });
});

describe('tsconfig.node.json', () => {
  it('has Node', () => {
    expect(check('tsconfig.node.json', "import { readFileSync } from 'node:fs';\nexport const b = Buffer.from('x');\nexport const r = readFileSync;\n")).toEqual([]);
  });
  it('has no DOM', () => {
    expect(check('tsconfig.node.json', 'export const t = document.title;\n').join('\n')).toMatch(/Cannot find name 'document'/);
  });
});

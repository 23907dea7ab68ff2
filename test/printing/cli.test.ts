import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPY_MARK } from '../../shared/receipt/index';
import { decodeEscPos, layoutLines } from '../support/escpos-decoder';
import { FakePrinter, freePort } from '../support/fake-printer';
import { seedOrder, seedStore, tempDb, type TempDb } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function pos(args: string[], timeoutMs = 15_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, 'electron/backend/cli/pos.ts'), ...args], { cwd: ROOT, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let t: TempDb;
let printer: FakePrinter | undefined;

beforeEach(() => {
  t = tempDb();
  seedStore(t.db);
  seedOrder(t.db, { id: '20260105-0042', tenders: [{ kind: 'cash', amountFen: 20000 }], changeFen: 3200, entry: { position: 4, aheadFen: 65520, ratioBp: 10000, rule: 'base.default' } });
  t.db.close();
});

afterEach(async () => {
  await printer?.stop();
  printer = undefined;
  t.cleanup();
});

describe('pos print-receipt', () => {
  it('prints one receipt and exits 0 once the printer took every byte', async () => {
    printer = await FakePrinter.start();
    const r = await pos(['print-receipt', '--db', t.file, '--order', '20260105-0042', '--printer', printer.uri, '--width', '58']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('printed order 20260105-0042');
    const [receipt, ...rest] = decodeEscPos(printer.bytes).receipts;
    expect(rest).toEqual([]);
    expect(receipt!.cut).toBe(true);
    expect(receipt!.drawer).toBe(true);
    expect(receipt!.qr).toEqual(['https://q.example.cn/q/20260105-0042']);
    const lines = layoutLines(receipt!.lines, 32);
    expect(lines.find((l) => l.startsWith('找零'))).toMatch(/^找零 +￥32\.00$/);
    expect(lines.find((l) => l.startsWith('入队位置'))).toMatch(/^入队位置 +第 4 位$/);
    expect(lines.every((l) => [...l].reduce((n, ch) => n + (ch.charCodeAt(0) < 0x80 ? 1 : 2), 0) <= 32)).toBe(true);
  });

  it('--copy prints a copy marked 副本, without opening the drawer', async () => {
    printer = await FakePrinter.start();
    const r = await pos(['print-receipt', '--db', t.file, '--order', '20260105-0042', '--printer', printer.uri, '--copy', '--queue', 'register-1']);
    expect(r.code).toBe(0);
    const [receipt] = decodeEscPos(printer.bytes).receipts;
    expect(receipt!.lines[0]!.text).toBe(COPY_MARK);
    expect(receipt!.drawer).toBe(false);
  });

  it('exits 1 when the printer refuses or never reads, within the timeout', async () => {
    const refused = await pos(['print-receipt', '--db', t.file, '--order', '20260105-0042', '--printer', `tcp://127.0.0.1:${await freePort()}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused/);
    printer = await FakePrinter.start({ mode: 'hang' });
    const hung = await pos(['print-receipt', '--db', t.file, '--order', '20260105-0042', '--printer', printer.uri, '--timeout', '400']);
    expect(hung.code).toBe(1);
    expect(hung.stderr).toMatch(/0\.4 秒内没有接收数据/);
  });

  it('exits 1 for an unknown order and 2 for bad usage', async () => {
    printer = await FakePrinter.start();
    const missing = await pos(['print-receipt', '--db', t.file, '--order', 'NOPE', '--printer', printer.uri]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no order "NOPE"/);
    const bad = await pos(['print-receipt', '--db', t.file, '--order', 'X', '--printer', printer.uri, '--width', '76']);
    expect(bad.code).toBe(2);
    expect(printer.connections).toHaveLength(0);
  });
});

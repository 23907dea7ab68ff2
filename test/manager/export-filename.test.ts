/** A CSV export's file name: on a Chinese screen and in the download folder it names the report and the register in Chinese, never `register-1` or `queue`. */
import { describe, expect, it } from 'vitest';
import { exportFilename } from '../../electron/backend/manager/export-filename';

describe('export file names', () => {
  it('Chinese: what it holds, the register by its name, the range', () => {
    expect(exportFilename('orders', 'register-1', '2026-11-08', '2026-12-07', 'zh')).toBe('订单-1号收银台-2026-11-08至2026-12-07.csv');
    expect(exportFilename('queue', 'register-12', '2026-03-03', '2026-03-03', 'zh')).toBe('排队-12号收银台-2026-03-03.csv');
    expect(exportFilename('shifts', 'register-1', '2026-03-01', '2026-03-06', 'both')).toBe('班次-1号收银台-2026-03-01至2026-03-06.csv');
    expect(exportFilename('ledger', 'register-1', '2026-03-01', '2026-03-06', 'zh')).toBe('流水-1号收银台-2026-03-01至2026-03-06.csv');
    for (const report of ['shifts', 'queue', 'ledger', 'orders'] as const) {
      expect(exportFilename(report, 'register-3', '2026-03-01', '2026-03-06', 'zh').replace(/\.csv$/, '')).not.toMatch(/[A-Za-z]/);
    }
  });

  it('a register named by the manager keeps its name, made safe for a file name', () => {
    expect(exportFilename('queue', '前台 A/2', '2026-03-01', '2026-03-02', 'zh')).toBe('排队-前台A2-2026-03-01至2026-03-02.csv');
    expect(exportFilename('queue', '前台 A/2', '2026-03-01', '2026-03-02', 'en')).toBe('queue-前台_A_2-2026-03-01-2026-03-02.csv');
  });

  it('English keeps the report key and the id', () => {
    expect(exportFilename('orders', 'register-1', '2026-11-08', '2026-12-07', 'en')).toBe('orders-register-1-2026-11-08-2026-12-07.csv');
  });
});

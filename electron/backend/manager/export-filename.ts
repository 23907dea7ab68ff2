/**
 * The name a CSV export is saved under. The manager finds it in the download
 * folder and on a Chinese screen its name is shown: in Chinese it says what
 * the file holds and for which register by the register's name, never the
 * register's id (`register-1`) nor an English report key —
 * 排队-1号收银台-2026-11-08至2026-12-07.csv. English keeps
 * queue-register-1-2026-11-08-2026-12-07.csv.
 */
import type { CsvReport } from './report-csv';
import { registerDisplayName } from '../../../shared/register-name';

const ZH_REPORT: Record<CsvReport, string> = { shifts: '班次', queue: '排队', ledger: '流水', orders: '订单' };

/** Characters a file name cannot hold on Windows, macOS or Linux (a register id is set by the manager). */
const UNSAFE = /[\\/:*?"<>|\s]+/g;

export function exportFilename(report: CsvReport, registerId: string, from: string, to: string, language: 'zh' | 'en' | 'both'): string {
  if (language === 'en') return `${report}-${registerId.replace(UNSAFE, '_')}-${from}-${to}.csv`;
  const register = registerDisplayName(registerId, 'zh').replace(UNSAFE, '');
  return `${ZH_REPORT[report]}-${register}-${from === to ? from : `${from}至${to}`}.csv`;
}

/**
 * CSV for the manager's reports: UTF-8 with a byte-order mark (so Excel opens
 * Chinese text correctly), RFC 4180 quoting (a field holding a comma, a
 * double quote, CR or LF is quoted and its quotes doubled), CRLF line ends.
 *
 * Money columns are yuan TEXT computed from integer fen by `formatYuan`
 * (never a float). Text fields that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab / CR) get a leading apostrophe; numeric
 * cells (`CsvNumber`) are written as they are.
 */
import { formatYuan, type Fen } from '../money';

export const BOM = '\uFEFF';
export const CSV_LINE_END = '\r\n';

/** A cell written verbatim (a number, a yuan amount), never formula-guarded. */
export interface CsvNumber {
  readonly csvNumber: string;
}

export type CsvCell = string | number | null | CsvNumber;

export function yuanCell(amount: Fen | number): CsvNumber {
  if (!Number.isSafeInteger(amount)) throw new Error(`a money cell must be whole fen, got ${amount}`);
  const text = amount < 0 ? `-${formatYuan(-amount as Fen)}` : formatYuan(amount as Fen);
  return { csvNumber: text };
}

/** Half- and full-width formula starters (a spreadsheet may read ＝＋－＠ as = + - @). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(cell: CsvCell): string {
  let text: string;
  if (cell === null) text = '';
  else if (typeof cell === 'number') text = String(cell);
  else if (typeof cell === 'object') text = cell.csvNumber;
  else text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return cells.map(csvField).join(',');
}

export type CsvLanguage = 'zh' | 'en' | 'both';

/** A column header in both languages; `both` gives "中文 (English)". */
export interface Header {
  zh: string;
  en: string;
}

export function headerText(h: Header, language: CsvLanguage): string {
  if (language === 'zh') return h.zh;
  if (language === 'en') return h.en;
  return `${h.zh} (${h.en})`;
}

/** The whole document: BOM, header line, rows, each line ended by CRLF. */
export function encodeCsv(headers: readonly Header[], rows: readonly (readonly CsvCell[])[], language: CsvLanguage): string {
  const lines = [csvLine(headers.map((h) => headerText(h, language))), ...rows.map(csvLine)];
  return BOM + lines.map((l) => l + CSV_LINE_END).join('');
}

/**
 * Reads CSV text back (RFC 4180; a leading BOM is dropped). Used by tests and
 * by anyone checking an export; tolerant of LF-only line ends.
 */
export function parseCsv(text: string): string[][] {
  const source = text.startsWith(BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i += 1;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

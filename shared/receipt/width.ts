/**
 * Column arithmetic for thermal receipts.
 *
 * A receipt printer in Chinese mode (`FS &`, GB18030) prints every byte
 * below 0x80 as a half-width glyph (1 column) and every multi-byte GB18030
 * character as a full-width glyph (2 columns) — Chinese, full-width forms
 * (￥，：), and also "ambiguous" characters such as · or — that a browser
 * might draw narrow. So the printer's rule is simple and exact: ASCII is one
 * column, everything else is two. The preview uses the same rule, so what
 * the cashier sees on screen lines up the way the paper does.
 *
 * 58 mm paper holds 32 columns and 80 mm paper 48 columns (font A, 12×24).
 */

import { printableText } from './printable';

export type PaperWidth = 58 | 80;

export const COLUMNS: Readonly<Record<PaperWidth, number>> = Object.freeze({ 58: 32, 80: 48 });

export function columnsFor(width: PaperWidth): number {
  const columns = COLUMNS[width];
  if (columns === undefined) throw new Error(`paper width must be 58 or 80 (mm), got ${String(width)}`);
  return columns;
}

/** Columns one character (one code point) takes on the paper. */
export function charColumns(ch: string): 1 | 2 {
  return ch.codePointAt(0)! < 0x80 ? 1 : 2;
}

/** Columns a string takes on the paper. */
export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/**
 * Text as the printer may receive it: no control characters (a store name
 * must never smuggle an ESC/POS command onto the wire), no '¥' (U+00A5: in
 * GB18030 it is a 4-byte code many printers misprint; the full-width ￥ is
 * in GB2312), tabs and odd spaces flattened, and every character the
 * printer's font lacks shown as □ (printable.ts) — so the columns counted
 * here are the columns printed.
 */
export function cleanText(text: string): string {
  return printableText(
    text
      .replace(/\u00a5/g, '￥')
      .replace(/[\t\u00a0\u2000-\u200a\u202f]/g, ' ')
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ''),
  );
}

/** Pads on the right to `columns` (text wider than that is returned as is). */
export function padRight(text: string, columns: number): string {
  const gap = columns - textColumns(text);
  return gap > 0 ? text + ' '.repeat(gap) : text;
}

export function padLeft(text: string, columns: number): string {
  const gap = columns - textColumns(text);
  return gap > 0 ? ' '.repeat(gap) + text : text;
}

export function center(text: string, columns: number): string {
  const gap = columns - textColumns(text);
  if (gap <= 0) return text;
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + text + ' '.repeat(gap - left);
}

/** Never at the start of a line (Chinese line-breaking rules, 避头点). */
const CLOSING = new Set([...'，。、；：？！）」』】》〉〕〗〙”’…·,.;:!?)]}%‰℃°'] as string[]);
/** Never at the end of a line (避尾点). */
const OPENING = new Set([...'（「『【《〈〔〖〘“‘([{￥$#'] as string[]);
/** Letters and digits: a run of them (with the joiners inside it) is one unit — 21:00, ￥1,234.50, 2026-01-05, B1-08, Happy. */
const RUN = /^[0-9A-Za-z０-９]$/;
const JOINER = /^[:.,\-/%'’_*+#@&=~]$/;
const inRun = (ch: string | undefined) => ch !== undefined && (RUN.test(ch) || JOINER.test(ch));

/**
 * Where to end a full line when `next` does not fit after it: the index in
 * `line` from which characters move down with `next`. Keeps a run of letters
 * and digits whole (when it fits a line on its own), never starts the next
 * line with closing punctuation nor ends this one with opening punctuation
 * (by moving a character down; a line full of punctuation is broken anyway).
 */
function breakAt(line: readonly string[], next: string, columns: number): number {
  let at = line.length;
  if (inRun(next) && inRun(line[at - 1])) {
    let start = at;
    while (start > 0 && inRun(line[start - 1])) start--;
    // Joiners at the edge of a run belong to the text around it ("Mart," / "，21:00").
    while (start < at && JOINER.test(line[start]!) && !RUN.test(line[start]!)) start++;
    if (start > 0 && textColumns(line.slice(start).join('') + next) <= columns) at = start;
  }
  // The first character the next line will show (spaces carried down are dropped there).
  const first = () => {
    for (let i = at; i < line.length; i++) if (line[i] !== ' ') return line[i]!;
    return next;
  };
  let guard = 0;
  while (at > 0 && guard++ < columns && (CLOSING.has(first()) || OPENING.has(line[at - 1]!))) at--;
  // Nothing sensible to move, or what moves would not fit the next line: break at the edge.
  if (at === 0 || textColumns(line.slice(at).join('') + next) > columns) at = line.length;
  return at;
}

/**
 * Breaks text into lines of at most `columns` columns. A double-width
 * character is never split across the edge (it moves to the next line and
 * the line ends one column short). Runs of letters and digits (words,
 * amounts, times, dates) are not split when they fit a line; closing
 * punctuation never starts a line and opening punctuation never ends one;
 * Chinese breaks anywhere else. Explicit newlines are kept.
 */
export function wrapText(text: string, columns: number): string[] {
  if (columns < 2) throw new Error('a line needs at least 2 columns');
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const first = out.length;
    let line: string[] = [];
    let width = 0;
    for (const ch of paragraph) {
      const w = charColumns(ch);
      if (line.length === 0 && CLOSING.has(ch) && out.length > first) {
        // The line before ended at a space: its last character comes down with this punctuation.
        // (With the closing punctuation it ends with, if any: 「店。」 then 「！」 moves as 「店。！」.)
        const prev = [...out[out.length - 1]!];
        let cut = prev.length;
        while (cut > 1 && CLOSING.has(prev[cut - 1]!)) cut--;
        if (cut > 1) {
          line = prev.slice(cut - 1);
          out[out.length - 1] = prev.slice(0, cut - 1).join('').trimEnd();
          width = textColumns(line.join(''));
        }
      }
      if (width + w > columns) {
        if (ch === ' ') {
          out.push(line.join('').trimEnd());
          line = [];
          width = 0;
          continue;
        }
        const at = breakAt(line, ch, columns);
        const carried = line.slice(at);
        out.push(line.slice(0, at).join('').trimEnd());
        while (carried[0] === ' ') carried.shift();
        line = carried;
        width = textColumns(carried.join(''));
      }
      line.push(ch);
      width += w;
    }
    out.push(line.join('').trimEnd());
  }
  return out;
}

/**
 * A label on the left and a value on the right of one line. When both do not
 * fit (with at least one space between), the label wraps on its own lines
 * and the value goes right-aligned on the line below.
 */
export function labelValue(label: string, value: string, columns: number): string[] {
  const lw = textColumns(label);
  const vw = textColumns(value);
  if (lw + 1 + vw <= columns) return [label + ' '.repeat(columns - lw - vw) + value];
  const lines = wrapText(label, columns);
  for (const part of wrapText(value, columns)) lines.push(padLeft(part, columns));
  return lines;
}

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
 * in GB2312), tabs and odd spaces flattened.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\u00a5/g, '￥')
    .replace(/[\t\u00a0\u2000-\u200a\u202f]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g, '');
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

/**
 * Breaks text into lines of at most `columns` columns. A double-width
 * character is never split across the edge (it moves to the next line and
 * the line ends one column short). Runs of ASCII break at a space when one
 * is near enough; Chinese breaks anywhere. Explicit newlines are kept.
 */
export function wrapText(text: string, columns: number): string[] {
  if (columns < 2) throw new Error('a line needs at least 2 columns');
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line: string[] = [];
    let width = 0;
    for (const ch of paragraph) {
      const w = charColumns(ch);
      if (width + w > columns) {
        // Prefer breaking at the last space of an ASCII word in this line.
        let cut = -1;
        if (ch !== ' ' && charColumns(ch) === 1) {
          for (let i = line.length - 1; i > 0 && i > line.length - 16; i--) {
            if (line[i] === ' ') {
              cut = i;
              break;
            }
            if (charColumns(line[i]!) === 2) break;
          }
        }
        if (cut > 0) {
          const carried = line.slice(cut + 1);
          out.push(line.slice(0, cut).join('').trimEnd());
          line = carried;
          width = textColumns(carried.join(''));
        } else {
          out.push(line.join('').trimEnd());
          line = [];
          width = 0;
        }
        if (ch === ' ' && line.length === 0) continue;
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

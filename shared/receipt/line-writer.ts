/**
 * The few ways every printed document (receipt, refund slip, draw and
 * exchange slips, X / Z reports) puts text on paper: wrapped text, a label
 * with its value pushed right, a rule. One place, so the printable-text
 * rules (cleanText: characters the font lacks; wrapText: no closing
 * punctuation at a line start, numbers kept whole) hold on every document.
 */
import type { Align, ReceiptLine } from './types';
import { cleanText, columnsFor, labelValue, wrapText, type PaperWidth } from './width';

export interface LineWriter {
  readonly columns: number;
  readonly lines: ReceiptLine[];
  /** Wrapped to the paper; double size takes two columns a character. */
  text(value: string, align?: Align, bold?: boolean, size?: 1 | 2): void;
  /** A label on the left, its value on the right (wrapped when both do not fit). */
  row(label: string, value: string, bold?: boolean): void;
  rule(char?: '-' | '='): void;
}

export function lineWriter(width: PaperWidth): LineWriter {
  const columns = columnsFor(width);
  const lines: ReceiptLine[] = [];
  return {
    columns,
    lines,
    text(value, align = 'left', bold = false, size = 1) {
      for (const part of wrapText(cleanText(value), Math.floor(columns / size))) lines.push({ kind: 'text', text: part, align, bold, size });
    },
    row(label, value, bold = false) {
      for (const part of labelValue(cleanText(label), cleanText(value), columns)) lines.push({ kind: 'text', text: part, align: 'left', bold, size: 1 });
    },
    rule(char = '-') {
      lines.push({ kind: 'rule', char });
    },
  };
}

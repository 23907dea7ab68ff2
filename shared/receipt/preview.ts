/**
 * The on-screen rendering of a receipt: the same lines the printer gets,
 * padded to the paper's columns the way the printer aligns them. The UI
 * shows `lines` in a monospace font where CJK takes two columns (or uses
 * `text` for a plain <pre>); the QR line carries its payload so the UI can
 * draw a real code in its place.
 */
import type { Align, Receipt } from './types';
import { center, padLeft, padRight, textColumns } from './width';

export interface PreviewLine {
  /** Exactly as wide as the paper (`columns` columns), alignment applied. */
  text: string;
  bold: boolean;
  /** 2 = double width and height (the title); `text` then holds the glyphs once. */
  size: 1 | 2;
  align: Align;
  /** Present on the QR line: what the code encodes. */
  qr?: string;
}

export interface ReceiptPreview {
  width: Receipt['width'];
  columns: number;
  copy: boolean;
  openDrawer: boolean;
  lines: PreviewLine[];
}

/** Lays `text` out in `columns` columns the way the printer's alignment does. */
export function alignText(text: string, align: Align, columns: number): string {
  if (align === 'center') return center(text, columns);
  if (align === 'right') return padLeft(text, columns);
  return padRight(text, columns);
}

export const QR_PREVIEW_TEXT = '[二维码]';

export function renderPreview(receipt: Receipt): ReceiptPreview {
  const { columns } = receipt;
  const lines: PreviewLine[] = [];
  for (const line of receipt.lines) {
    switch (line.kind) {
      case 'text': {
        // A double-size line holds columns/2 glyph columns; pad it in that space.
        const laid = alignText(line.text, line.align, Math.floor(columns / line.size));
        lines.push({ text: laid, bold: line.bold, size: line.size, align: line.align });
        break;
      }
      case 'rule':
        lines.push({ text: line.char.repeat(columns), bold: false, size: 1, align: 'left' });
        break;
      case 'qr':
        lines.push({ text: center(QR_PREVIEW_TEXT, columns), bold: false, size: 1, align: 'center', qr: line.payload });
        break;
      case 'feed':
        for (let i = 0; i < line.lines; i++) lines.push({ text: ' '.repeat(columns), bold: false, size: 1, align: 'left' });
        break;
    }
  }
  return { width: receipt.width, columns, copy: receipt.copy, openDrawer: receipt.openDrawer, lines };
}

/**
 * The preview as plain text lines, trailing spaces removed. A double-size
 * line is written with a space after each glyph so it spans the same columns
 * it does on paper.
 */
export function previewText(receipt: Receipt): string[] {
  return renderPreview(receipt).lines.map((l) => {
    const t = l.size === 2 ? widen(l.text) : l.text;
    return t.trimEnd();
  });
}

function widen(text: string): string {
  let out = '';
  for (const ch of text) out += ch + ' '.repeat(textColumns(ch));
  return out;
}

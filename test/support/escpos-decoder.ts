/**
 * Test support: turns the bytes a printer received back into what it would
 * print — text lines (GB18030) with their alignment, bold and size — and the
 * commands (init, Chinese mode, cut, drawer kick, QR payload, status queries).
 * Tests assert on this, not on byte counts. Knows the EPSON (ESC/POS) and
 * STAR (Star Line Mode) commands our renderer uses; anything else is kept as
 * an `unknown` command so a test can fail on it.
 */
import iconv from 'iconv-lite';

export type Align = 'left' | 'center' | 'right';

export type DecodedCommand =
  | { type: 'init' }
  | { type: 'chinese'; on: boolean }
  | { type: 'align'; align: Align }
  | { type: 'bold'; on: boolean }
  | { type: 'size'; double: boolean }
  | { type: 'qr-setting'; bytes: number[] }
  | { type: 'qr'; payload: string }
  | { type: 'cut'; partial: boolean }
  | { type: 'drawer'; bytes: number[] }
  | { type: 'status'; bytes: number[] }
  | { type: 'feed'; lines: number }
  | { type: 'unknown'; bytes: number[] };

export interface DecodedLine {
  text: string;
  align: Align;
  bold: boolean;
  size: 1 | 2;
  /** On the line where a QR code was printed: its payload. */
  qr?: string;
}

export interface DecodedReceipt {
  lines: DecodedLine[];
  qr: string[];
  /** Ended with a cut (a job closed mid-way leaves a receipt without one). */
  cut: boolean;
  drawer: boolean;
  chinese: boolean;
}

export interface Decoded {
  commands: DecodedCommand[];
  lines: DecodedLine[];
  receipts: DecodedReceipt[];
}

export const QR_LINE_TEXT = '[二维码]';
const ALIGNS: Align[] = ['left', 'center', 'right'];

export function decodeEscPos(input: Uint8Array, commandSet: 'epson' | 'star' = 'epson'): Decoded {
  const b = input;
  const commands: DecodedCommand[] = [];
  const lines: DecodedLine[] = [];
  const receipts: DecodedReceipt[] = [];
  let current: DecodedReceipt = { lines: [], qr: [], cut: false, drawer: false, chinese: false };
  let align: Align = 'left';
  let bold = false;
  let size: 1 | 2 = 1;
  let chinese = false;
  let text: number[] = [];
  let lineState: { align: Align; bold: boolean; size: 1 | 2 } | null = null;
  let qrStored = '';
  let qrLine: string | null = null;

  const command = (c: DecodedCommand) => commands.push(c);
  const endLine = () => {
    const state = lineState ?? { align, bold, size };
    const line: DecodedLine = {
      text: qrLine !== null ? QR_LINE_TEXT : iconv.decode(Buffer.from(text), 'gb18030'),
      ...state,
      ...(qrLine !== null ? { qr: qrLine, bold: false, size: 1 as const } : {}),
    };
    lines.push(line);
    current.lines.push(line);
    text = [];
    lineState = null;
    qrLine = null;
  };
  const textByte = (v: number) => {
    if (lineState === null) lineState = { align, bold, size };
    text.push(v);
  };
  const closeReceipt = (cut: boolean) => {
    current.cut = cut;
    receipts.push(current);
    current = { lines: [], qr: [], cut: false, drawer: false, chinese };
  };

  let i = 0;
  const need = (n: number) => {
    if (i + n > b.length) throw new Error(`truncated command at byte ${i}`);
  };
  while (i < b.length) {
    const c = b[i]!;
    if (c === 0x0a) {
      endLine();
      i += 1;
      continue;
    }
    if (c === 0x10 && b[i + 1] === 0x04) {
      need(3);
      command({ type: 'status', bytes: [...b.slice(i, i + 3)] });
      i += 3;
      continue;
    }
    if (commandSet === 'epson') {
      if (c === 0x1b) {
        const k = b[i + 1];
        if (k === 0x40) {
          command({ type: 'init' });
          align = 'left';
          bold = false;
          size = 1;
          chinese = false;
          i += 2;
        } else if (k === 0x61) {
          need(3);
          align = ALIGNS[b[i + 2]! % 48] ?? 'left';
          command({ type: 'align', align });
          i += 3;
        } else if (k === 0x45) {
          need(3);
          bold = (b[i + 2]! & 1) === 1;
          command({ type: 'bold', on: bold });
          i += 3;
        } else if (k === 0x70) {
          need(5);
          command({ type: 'drawer', bytes: [...b.slice(i, i + 5)] });
          current.drawer = true;
          i += 5;
        } else if (k === 0x64) {
          need(3);
          command({ type: 'feed', lines: b[i + 2]! });
          i += 3;
        } else {
          command({ type: 'unknown', bytes: [...b.slice(i, i + 2)] });
          i += 2;
        }
        continue;
      }
      if (c === 0x1c) {
        const k = b[i + 1];
        if (k === 0x26 || k === 0x2e) {
          chinese = k === 0x26;
          current.chinese ||= chinese;
          command({ type: 'chinese', on: chinese });
        } else command({ type: 'unknown', bytes: [c, k ?? -1] });
        i += 2;
        continue;
      }
      if (c === 0x1d) {
        const k = b[i + 1];
        if (k === 0x21) {
          need(3);
          size = b[i + 2]! === 0 ? 1 : 2;
          command({ type: 'size', double: size === 2 });
          i += 3;
        } else if (k === 0x56) {
          need(3);
          const m = b[i + 2]!;
          const partial = m === 1 || m === 49 || m === 66 || m === 98;
          command({ type: 'cut', partial });
          i += m >= 65 ? 4 : 3;
          if (text.length) endLine();
          closeReceipt(true);
        } else if (k === 0x28 && b[i + 2] === 0x6b) {
          need(5);
          const len = b[i + 3]! + b[i + 4]! * 256;
          need(5 + len);
          const body = b.slice(i + 5, i + 5 + len);
          const fn = body[1];
          if (fn === 0x50) qrStored = Buffer.from(body.slice(3)).toString('latin1');
          else if (fn === 0x51) {
            command({ type: 'qr', payload: qrStored });
            current.qr.push(qrStored);
            qrLine = qrStored;
            lineState = { align, bold, size };
          } else command({ type: 'qr-setting', bytes: [...body] });
          i += 5 + len;
        } else {
          command({ type: 'unknown', bytes: [c, k ?? -1] });
          i += 2;
        }
        continue;
      }
    } else {
      if (c === 0x07) {
        command({ type: 'drawer', bytes: [0x07] });
        current.drawer = true;
        i += 1;
        continue;
      }
      if (c === 0x1b) {
        const k = b[i + 1];
        if (k === 0x40) {
          command({ type: 'init' });
          align = 'left';
          bold = false;
          size = 1;
          chinese = false;
          i += 2;
        } else if (k === 0x70 || k === 0x71) {
          chinese = k === 0x70;
          current.chinese ||= chinese;
          command({ type: 'chinese', on: chinese });
          i += 2;
        } else if (k === 0x45 || k === 0x46) {
          bold = k === 0x45;
          command({ type: 'bold', on: bold });
          i += 2;
        } else if (k === 0x69) {
          need(4);
          size = b[i + 2]! === 0 && b[i + 3]! === 0 ? 1 : 2;
          command({ type: 'size', double: size === 2 });
          i += 4;
        } else if (k === 0x64) {
          need(3);
          command({ type: 'cut', partial: b[i + 2]! === 3 || b[i + 2]! === 0x33 });
          i += 3;
          if (text.length) endLine();
          closeReceipt(true);
        } else if (k === 0x07) {
          need(5);
          command({ type: 'drawer', bytes: [...b.slice(i, i + 5)] });
          current.drawer = true;
          i += 5; // ESC BEL n1 n2 BEL
        } else if (k === 0x06 && b[i + 2] === 0x01) {
          command({ type: 'status', bytes: [0x1b, 0x06, 0x01] });
          i += 3;
        } else if (k === 0x1d && b[i + 2] === 0x61) {
          need(4);
          align = ALIGNS[b[i + 3]! % 48] ?? 'left';
          command({ type: 'align', align });
          i += 4;
        } else if (k === 0x1d && b[i + 2] === 0x79) {
          const f = b[i + 3];
          if (f === 0x53) {
            need(6);
            command({ type: 'qr-setting', bytes: [...b.slice(i, i + 6)] });
            i += 6;
          } else if (f === 0x44) {
            need(8);
            const len = b[i + 6]! + b[i + 7]! * 256;
            need(8 + len);
            qrStored = Buffer.from(b.slice(i + 8, i + 8 + len)).toString('latin1');
            i += 8 + len;
          } else if (f === 0x50) {
            command({ type: 'qr', payload: qrStored });
            current.qr.push(qrStored);
            qrLine = qrStored;
            lineState = { align, bold, size };
            i += 4;
          } else {
            command({ type: 'unknown', bytes: [...b.slice(i, i + 4)] });
            i += 4;
          }
        } else {
          command({ type: 'unknown', bytes: [c, k ?? -1] });
          i += 2;
        }
        continue;
      }
    }
    if (c < 0x20) {
      command({ type: 'unknown', bytes: [c] });
      i += 1;
      continue;
    }
    textByte(c);
    i += 1;
  }
  if (text.length || current.lines.length || current.qr.length) {
    if (text.length) endLine();
    closeReceipt(false);
  }
  return { commands, lines, receipts };
}

function columnsOf(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

/**
 * The decoded lines laid out on `columns` columns the way the printer places
 * them (alignment applied; a double-size glyph spans twice its columns),
 * trailing spaces and trailing blank lines removed.
 */
export function layoutLines(lines: readonly DecodedLine[], columns: number): string[] {
  const out = lines.map((l) => {
    const room = Math.floor(columns / l.size);
    const gap = Math.max(0, room - columnsOf(l.text));
    let t = l.align === 'center' ? ' '.repeat(Math.floor(gap / 2)) + l.text : l.align === 'right' ? ' '.repeat(gap) + l.text : l.text;
    if (l.size === 2) t = [...t].map((ch) => ch + ' '.repeat(columnsOf(ch))).join('');
    return t.trimEnd();
  });
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/** Every line fits the paper: the widest line in columns (double size counts twice). */
export function widestLine(lines: readonly DecodedLine[]): number {
  return Math.max(0, ...lines.map((l) => columnsOf(l.text) * l.size));
}

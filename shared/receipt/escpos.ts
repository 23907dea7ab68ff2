/**
 * Receipt model → printer bytes, for the EPSON (ESC/POS) and STAR (Star
 * Line Mode) command sets. Pure: the GB18030 text encoder is injected
 * (iconv-lite on the Node side), and the result is a plain Uint8Array.
 *
 * Written by hand because node-thermal-printer 4.6 gets Chinese wrong (see
 * docs/printing.md): it never sends `FS &`, lets '¥' switch the code page,
 * counts CJK as one column and truncates the drawer kick.
 *
 *                    EPSON                         STAR
 *  init              ESC @                         ESC @
 *  Chinese mode      FS &                          ESC p
 *  align             ESC a n                       ESC GS a n
 *  bold              ESC E 1 / ESC E 0             ESC E / ESC F
 *  double size       GS ! 0x11 / GS ! 0            ESC i 1 1 / ESC i 0 0
 *  QR code           GS ( k (model 2, M, store,    ESC GS y S 0/1/2, ESC GS y D 1,
 *                    print)                        ESC GS y P
 *  cut               GS V 1 (partial)              ESC d 3 (partial)
 *  drawer kick       ESC p 0 25 250                ESC BEL 11 55 BEL
 */
import type { Align, Receipt } from './types';
import { cleanText } from './width';

export type CommandSet = 'epson' | 'star';
export const COMMAND_SETS: readonly CommandSet[] = ['epson', 'star'];

/** Turns text into GB18030 bytes (iconv-lite's `encode(text, 'gb18030')` on Node). */
export type TextEncoderFn = (text: string) => Uint8Array;

export interface EscPosOptions {
  commandSet: CommandSet;
  encode: TextEncoderFn;
  /** QR module size in dots (1–8); 6 on 80 mm, 5 on 58 mm when not given. */
  qrModule?: number;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export const EPSON = {
  init: [ESC, 0x40],
  chinese: [FS, 0x26],
  align: (n: number) => [ESC, 0x61, n],
  bold: (on: boolean) => [ESC, 0x45, on ? 1 : 0],
  size: (double: boolean) => [GS, 0x21, double ? 0x11 : 0x00],
  cut: [GS, 0x56, 0x01],
  drawer: [ESC, 0x70, 0x00, 0x19, 0xfa],
  qr(data: Uint8Array, module: number): number[] {
    const store = data.length + 3;
    return [
      ...[GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00], // model 2
      ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, module], // module size
      ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31], // error correction M
      ...[GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30], // store …
      ...data,
      ...[GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30], // print
    ];
  },
} as const;

export const STAR = {
  init: [ESC, 0x40],
  chinese: [ESC, 0x70],
  align: (n: number) => [ESC, GS, 0x61, n],
  bold: (on: boolean) => (on ? [ESC, 0x45] : [ESC, 0x46]),
  size: (double: boolean) => (double ? [ESC, 0x69, 0x01, 0x01] : [ESC, 0x69, 0x00, 0x00]),
  cut: [ESC, 0x64, 0x03],
  drawer: [ESC, 0x07, 0x0b, 0x37, 0x07],
  qr(data: Uint8Array, module: number): number[] {
    return [
      ...[ESC, GS, 0x79, 0x53, 0x30, 0x02], // model 2
      ...[ESC, GS, 0x79, 0x53, 0x31, 0x01], // error correction M
      ...[ESC, GS, 0x79, 0x53, 0x32, module], // cell size
      ...[ESC, GS, 0x79, 0x44, 0x31, 0x00, data.length & 0xff, data.length >> 8], // data (auto)
      ...data,
      ...[ESC, GS, 0x79, 0x50], // print
    ];
  },
} as const;

const ALIGN: Record<Align, number> = { left: 0, center: 1, right: 2 };

class ByteSink {
  private chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;
  /** Offsets where one command ends and the next begins (a status query may go there). */
  readonly boundaries: number[] = [];
  mark(): void {
    this.boundaries.push(this.size + this.pending.length);
  }
  push(bytes: readonly number[] | Uint8Array): void {
    if (bytes instanceof Uint8Array) {
      this.flush();
      this.chunks.push(bytes);
      this.size += bytes.length;
    } else {
      for (const b of bytes) this.pending.push(b);
    }
  }
  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.size += this.pending.length;
    this.pending = [];
  }
  bytes(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new Error('QR payload must be printable ASCII');
    out[i] = c;
  }
  return out;
}

/**
 * One print job's bytes: every receipt in `receipts` (an original and its
 * extra copies, say), each ending with a feed and a cut; the drawer is kicked
 * once, at the start, when any receipt asks for it.
 */
export function renderEscPos(receipts: Receipt | readonly Receipt[], options: EscPosOptions): Uint8Array {
  return renderEscPosJob(receipts, options).bytes;
}

/** A job's bytes plus the offsets between commands (line ends, cuts): a transport may slip a status query in there. */
export interface EscPosJob {
  bytes: Uint8Array;
  boundaries: number[];
}

export function renderEscPosJob(receipts: Receipt | readonly Receipt[], options: EscPosOptions): EscPosJob {
  const list = Array.isArray(receipts) ? (receipts as readonly Receipt[]) : [receipts as Receipt];
  const cs = options.commandSet === 'star' ? STAR : options.commandSet === 'epson' ? EPSON : undefined;
  if (!cs) throw new Error(`unknown printer command set: ${String(options.commandSet)} (epson or star)`);
  const out = new ByteSink();
  out.push(cs.init);
  out.push(cs.chinese);
  if (list.some((r) => r.openDrawer)) out.push(cs.drawer);
  for (const receipt of list) {
    const module = options.qrModule ?? (receipt.width === 80 ? 6 : 5);
    let align = -1;
    let bold = false;
    let double = false;
    const setAlign = (a: Align) => {
      if (ALIGN[a] !== align) {
        align = ALIGN[a];
        out.push(cs.align(align));
      }
    };
    const setBold = (b: boolean) => {
      if (b !== bold) {
        bold = b;
        out.push(cs.bold(b));
      }
    };
    const setDouble = (d: boolean) => {
      if (d !== double) {
        double = d;
        out.push(cs.size(d));
      }
    };
    setAlign('left');
    for (const line of receipt.lines) {
      switch (line.kind) {
        case 'text':
          setAlign(line.align);
          setBold(line.bold);
          setDouble(line.size === 2);
          out.push(options.encode(cleanText(line.text)));
          out.push([LF]);
          out.mark();
          break;
        case 'rule':
          setAlign('left');
          setBold(false);
          setDouble(false);
          out.push(asciiBytes(line.char.repeat(receipt.columns)));
          out.push([LF]);
          out.mark();
          break;
        case 'qr':
          setAlign('center');
          setBold(false);
          setDouble(false);
          out.push(cs.qr(asciiBytes(line.payload), module));
          out.push([LF]);
          out.mark();
          break;
        case 'feed':
          for (let i = 0; i < line.lines; i++) out.push([LF]);
          break;
      }
    }
    setAlign('left');
    setBold(false);
    setDouble(false);
    out.push([LF, LF, LF]);
    out.push(cs.cut);
    out.mark();
  }
  const bytes = out.bytes();
  return { bytes, boundaries: out.boundaries };
}

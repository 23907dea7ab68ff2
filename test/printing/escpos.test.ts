import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { fen } from '../../shared/money';
import { buildReceipt, COPY_MARK, previewText, renderEscPos, STAR } from '../../shared/receipt/index';
import { encodeGb18030 } from '../../electron/backend/printing/encode';
import { decodeEscPos, layoutLines, widestLine } from '../support/escpos-decoder';
import { sampleData } from './sample';

const encode = encodeGb18030;

function indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('ESC/POS bytes decode back to the preview', () => {
  for (const commandSet of ['epson', 'star'] as const) {
    for (const width of [58, 80] as const) {
      it(`${commandSet}, ${width} mm: the printed lines are the preview's lines`, () => {
        const receipt = buildReceipt(sampleData(), { width, copy: false });
        const bytes = renderEscPos(receipt, { commandSet, encode });
        const decoded = decodeEscPos(bytes, commandSet);
        expect(decoded.commands.filter((c) => c.type === 'unknown')).toEqual([]);
        expect(decoded.receipts).toHaveLength(1);
        const paper = decoded.receipts[0]!;
        expect(paper.cut).toBe(true);
        expect(paper.chinese).toBe(true);
        expect(paper.qr).toEqual(['https://q.example.cn/q/K7QH2M9DX4TB']);
        expect(layoutLines(paper.lines, receipt.columns)).toEqual(trimBlankTail(previewText(receipt)));
        expect(widestLine(paper.lines)).toBeLessThanOrEqual(receipt.columns);
        // The title is bold, double size and centred; amounts are plain, left-aligned rows.
        const title = paper.lines[0]!;
        expect(title).toMatchObject({ size: 2, bold: true, align: 'center' });
        expect(paper.lines.find((l) => l.text.startsWith('实付金额'))).toMatchObject({ bold: true, size: 1, align: 'left' });
        expect(paper.lines.find((l) => l.text.startsWith('应付金额'))).toMatchObject({ bold: false, size: 1, align: 'left' });
      });
    }
  }

  it('epson: init, FS & (Chinese mode) before any text, drawer kick 1B 70 00 19 FA once, partial cut at the end', () => {
    const bytes = renderEscPos(buildReceipt(sampleData(), { width: 80, copy: false }), { commandSet: 'epson', encode });
    const { commands } = decodeEscPos(bytes, 'epson');
    expect(commands[0]).toEqual({ type: 'init' });
    expect(commands[1]).toEqual({ type: 'chinese', on: true });
    expect(commands.filter((c) => c.type === 'drawer')).toEqual([{ type: 'drawer', bytes: [0x1b, 0x70, 0x00, 0x19, 0xfa] }]);
    expect(commands[commands.length - 1]).toEqual({ type: 'cut', partial: true });
    expect(indexOf(bytes, [0x1c, 0x26])).toBeLessThan(indexOf(bytes, [...encode('收银台')]));
  });

  it('star: ESC p Chinese mode, ESC BEL drawer pulse, ESC d 3 cut and the Star Line Mode QR commands', () => {
    const bytes = renderEscPos(buildReceipt(sampleData(), { width: 80, copy: false }), { commandSet: 'star', encode });
    const { commands } = decodeEscPos(bytes, 'star');
    expect(commands.slice(0, 3)).toEqual([{ type: 'init' }, { type: 'chinese', on: true }, { type: 'drawer', bytes: [0x1b, 0x07, 0x0b, 0x37, 0x07] }]);
    expect(commands[commands.length - 1]).toEqual({ type: 'cut', partial: true });
    // The Star Line Mode bytes, as node-thermal-printer 4.6's STAR table has them (checked against it before it was removed, issue 11 §6).
    expect([...STAR.cut]).toEqual([27, 100, 3]);
    expect([...STAR.drawer]).toEqual([27, 7, 11, 55, 7]);
    expect([...STAR.align(1)]).toEqual([27, 29, 97, 1]);
    expect([...STAR.size(true)]).toEqual([27, 105, 1, 1]);
    expect([...STAR.bold(true)]).toEqual([27, 69]);
    expect(indexOf(bytes, [27, 29, 121, 83, 48, 2])).toBeGreaterThan(0); // QR model 2
    expect(indexOf(bytes, [27, 29, 121, 80])).toBeGreaterThan(0); // QR print
  });

  it('kicks no drawer without a cash tender, nor for a copy', () => {
    const card = sampleData({ tenders: [{ kind: 'alipay', amountFen: fen(16000) }] });
    for (const [data, copy] of [
      [card, false],
      [sampleData(), true],
    ] as const) {
      const { commands } = decodeEscPos(renderEscPos(buildReceipt(data, { width: 58, copy }), { commandSet: 'epson', encode }), 'epson');
      expect(commands.some((c) => c.type === 'drawer')).toBe(false);
    }
  });

  it('prints mixed Chinese, ASCII and full-width text as GB18030, never the 4-byte ¥ (U+00A5)', () => {
    const data = sampleData({ store: { name: '¥ Mart 超市 ＦＵＬＬ', header: '价格 ¥100 / ￥１００ / 100元 · 会员价' } });
    const receipt = buildReceipt(data, { width: 58, copy: false });
    const bytes = renderEscPos(receipt, { commandSet: 'epson', encode });
    expect(indexOf(bytes, [...iconv.encode('\u00a5', 'gb18030')])).toBe(-1);
    expect(indexOf(bytes, [...iconv.encode('￥', 'gb18030')])).toBeGreaterThan(0);
    const lines = layoutLines(decodeEscPos(bytes, 'epson').receipts[0]!.lines, 32);
    expect(lines.join('\n')).toContain('价格 ￥100 / ￥１００ / 100元 · 会员价'.slice(0, 16));
    expect(lines).toEqual(trimBlankTail(previewText(receipt)));
  });

  it('wraps long names at the right column on 58 mm and 80 mm paper, as printed', () => {
    const data = sampleData({
      store: { name: '老北京炸酱面大王（王府井步行街总店）Old Beijing Noodle King', address: '北京市东城区王府井大街２５５号北京百货大楼 F5-12（近地铁王府井站Ｃ口）' },
      cashier: '司马相如 Sima Xiangru (Shift Lead, Night)',
    });
    for (const width of [58, 80] as const) {
      const receipt = buildReceipt(data, { width, copy: false });
      const decoded = decodeEscPos(renderEscPos(receipt, { commandSet: 'epson', encode }), 'epson').receipts[0]!;
      const columns = width === 58 ? 32 : 48;
      expect(widestLine(decoded.lines)).toBeLessThanOrEqual(columns);
      const title = decoded.lines.filter((l) => l.size === 2);
      expect(title.map((l) => l.text).join('').replace(/ /g, '')).toBe('老北京炸酱面大王（王府井步行街总店）OldBeijingNoodleKing');
      // A wrapped Chinese title line fills its half-width room: no column wasted but the one a double-width glyph cannot use.
      expect(columns / 2 - [...title[0]!.text].reduce((n, ch) => n + (ch.charCodeAt(0) < 0x80 ? 1 : 2), 0)).toBeLessThanOrEqual(1);
      const firstRule = decoded.lines.findIndex((l) => l.text.startsWith('----'));
      const address = decoded.lines.slice(title.length, firstRule).filter((l) => !l.text.startsWith('欢迎'));
      expect(address.length).toBeGreaterThan(1);
      expect(address.map((l) => l.text).join('').replace(/ /g, '')).toBe('北京市东城区王府井大街２５５号北京百货大楼F5-12（近地铁王府井站Ｃ口）');
      expect(layoutLines(decoded.lines, columns)).toEqual(trimBlankTail(previewText(receipt)));
    }
  });

  it('prints an original and its extra copies in one job: one drawer kick, one cut each, copies marked', () => {
    const original = buildReceipt(sampleData(), { width: 80, copy: false });
    const copy = buildReceipt(sampleData(), { width: 80, copy: true });
    const decoded = decodeEscPos(renderEscPos([original, copy], { commandSet: 'epson', encode }), 'epson');
    expect(decoded.receipts.map((r) => r.cut)).toEqual([true, true]);
    expect(decoded.commands.filter((c) => c.type === 'drawer')).toHaveLength(1);
    expect(decoded.receipts[0]!.lines.some((l) => l.text === COPY_MARK)).toBe(false);
    expect(decoded.receipts[1]!.lines[0]!.text).toBe(COPY_MARK);
  });
});

function trimBlankTail(lines: string[]): string[] {
  const out = [...lines];
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Issue 11 §5: text the printer can print. Characters the printer's GB18030
 * font lacks become a visible □ counted at the two columns it prints; no
 * line starts with closing punctuation; times, amounts and numbers are not
 * split across lines. Checked on the decoded printer bytes too.
 */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildReceipt, cleanText, PLACEHOLDER, printableText, printerCanPrint, renderEscPos, textColumns, wrapText } from '../../shared/receipt/index';
import { encodeGb18030 } from '../../electron/backend/printing/encode';
import { decodeEscPos } from '../support/escpos-decoder';
import { sampleData } from './sample';

const CLOSING = [...'，。、；：？！）」』】》〉”’…,.;:!?)]}%'];

describe('printable text', () => {
  it('every character the rule lets through is one or two GB18030 bytes (the font part); nothing four-byte gets through', () => {
    let allowed = 0;
    for (let cp = 0x20; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      if (!printerCanPrint(ch)) continue;
      allowed++;
      const bytes = iconv.encode(ch, 'gb18030');
      expect(bytes.length, `U+${cp.toString(16)}`).toBeLessThanOrEqual(2);
      expect(iconv.decode(bytes, 'gb18030')).toBe(ch);
    }
    expect(allowed).toBeGreaterThan(21_000); // all of U+4E00–U+9FA5 and the rest
    expect(printerCanPrint('😀')).toBe(false);
    expect(printerCanPrint('𠀀')).toBe(false); // CJK extension B: four bytes in GB18030
  });

  it('emoji, four-byte characters and accents the font lacks become one □ each, counted as two columns', () => {
    expect(printableText('好吃😀')).toBe(`好吃${PLACEHOLDER}`);
    expect(printableText('👨‍👩‍👧 全家福')).toBe(`${PLACEHOLDER} 全家福`); // one family, one □
    expect(printableText('🇨🇳')).toBe(PLACEHOLDER);
    expect(printableText('❤️')).toBe(PLACEHOLDER);
    expect(printableText('𠀀')).toBe(PLACEHOLDER);
    expect(printableText('Crème brûlée')).toBe(`Crème br${PLACEHOLDER}lée`); // è é are in the pinyin row, û is not
    expect(printableText('Cafe\u0301')).toBe('Café'); // composed first
    expect(printableText('Zoë Ñandú')).toBe(`Zo${PLACEHOLDER} ${PLACEHOLDER}andú`); // ú is a pinyin letter, ë and Ñ are not
    expect(printableText('a\u200bb')).toBe('ab'); // invisible characters vanish
    expect(printableText('￥１２３·—“引号”【】')).toBe('￥１２３·—“引号”【】');
    expect(textColumns(cleanText('Tea😀'))).toBe(5);
    expect(cleanText('¥5 😀')).toBe(`￥5 ${PLACEHOLDER}`);
  });

  it('a receipt with emoji and accents prints no four-byte code, and every printed line fits the paper', () => {
    const data = sampleData();
    data.store.name = '🍜 面馆 Crème brûlée 😋';
    data.store.header = '欢迎光临🎉 Bienvenüe — 营业时间 10:00–21:00，周末照常营业。';
    for (const width of [58, 80] as const) {
      const receipt = buildReceipt(data, { width, copy: false });
      const bytes = renderEscPos(receipt, { commandSet: 'epson', encode: encodeGb18030 });
      // GB18030 four-byte codes are lead 0x81–0xFE then a digit 0x30–0x39.
      for (let i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i]! >= 0x81 && bytes[i]! <= 0xfe) {
          expect(bytes[i + 1]! >= 0x30 && bytes[i + 1]! <= 0x39, `four-byte code at ${i}`).toBe(false);
          i++;
        }
      }
      const decoded = decodeEscPos(bytes).receipts[0]!;
      const text = decoded.lines.map((l) => l.text);
      expect(text.join('\n')).toContain(PLACEHOLDER);
      for (const line of decoded.lines) expect(textColumns(line.text) * (line.size ?? 1)).toBeLessThanOrEqual(receipt.columns);
      expect(text.some((l) => l.includes('21:00'))).toBe(true);
    }
  });
});

describe('line breaking', () => {
  it('never starts a line with closing punctuation', () => {
    // 16 columns = 8 Chinese characters: the comma would be the 9th.
    const lines = wrapText('今天天气很好真的，我们去公园散步吧。', 16);
    for (const l of lines.slice(1)) expect(CLOSING).not.toContain([...l][0]);
    expect(lines.join('')).toBe('今天天气很好真的，我们去公园散步吧。');
    expect(wrapText('一二三四五六七八）九', 16)).toEqual(['一二三四五六七', '八）九']);
    expect(wrapText('一二三四五六七（八九', 16)).toEqual(['一二三四五六七', '（八九']); // nor ends one with opening punctuation
  });

  it('keeps times, amounts, dates and numbers whole', () => {
    expect(wrapText('本店营业到晚上21:00欢迎', 16)).toEqual(['本店营业到晚上', '21:00欢迎']);
    expect(wrapText('今日满减优惠￥1,234.50元', 16)).toEqual(['今日满减优惠', '￥1,234.50元']);
    expect(wrapText('订单号20260105-0001', 16)).toEqual(['订单号', '20260105-0001']);
    expect(wrapText('Happy Mart Flagship Store Shanghai', 16)).toEqual(['Happy Mart', 'Flagship Store', 'Shanghai']);
  });

  it('holds its rules on many random lines (seeded)', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    // A number is always followed by a Chinese character, so two never run together into one longer than a line.
    const pieces = ['营业', '时间', '21:00点', '09:30开', '，', '。', '）', '（', '￥12.50元', '1,234位', '会员', '「', '」', 'Happy店', ' ', '优惠券', '！', '😀'];
    for (let n = 0; n < 500; n++) {
      const parts = Array.from({ length: 3 + Math.floor(rand() * 15) }, () => pieces[Math.floor(rand() * pieces.length)]!);
      const text = cleanText(parts.join(''));
      for (const columns of [16, 24, 32, 48]) {
        const lines = wrapText(text, columns);
        for (const l of lines) expect(textColumns(l), `${text} @${columns}`).toBeLessThanOrEqual(columns);
        expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        const joined = lines.join('\n');
        for (const token of ['21:00', '09:30', '￥12.50', '1,234']) {
          const inText = text.split(token).length - 1;
          expect(joined.split(token).length - 1, `${token} split in ${JSON.stringify(lines)}`).toBe(inText);
        }
        for (let i = 1; i < lines.length; i++) {
          const prev = lines[i - 1]!;
          const allPunct = [...prev].every((c) => CLOSING.includes(c) || '（「'.includes(c));
          if (!allPunct && lines[i]!.length > 0) expect(CLOSING, `${JSON.stringify(lines)}`).not.toContain([...lines[i]!][0]);
        }
      }
    }
  });
});

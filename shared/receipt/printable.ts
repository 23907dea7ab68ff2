/**
 * Which characters a receipt printer's Chinese font can print (issue 11 §5).
 *
 * Printers sold in mainland China print GB18030 text, but their fonts hold
 * only the two-byte part (GB2312 / GBK): every character GB18030 writes in
 * four bytes — emoji and anything outside the Basic Multilingual Plane, most
 * accented Latin letters, rare symbols — comes out as garbage or nothing.
 * The rule here is a conservative list of what those fonts hold (ranges of
 * GB2312/GBK, checked against the GBK table); anything else is replaced by
 * PLACEHOLDER, a full-width □ that every such font has, so the customer sees
 * that something was there and the columns stay right (it is counted at the
 * two columns it prints). One placeholder per user-perceived character: a
 * family emoji or a flag (several code points) is one □.
 *
 * Pure (no Node, no DOM): the screen preview uses the same rule.
 */

export const PLACEHOLDER = '□';

/** Code point ranges (inclusive) that GB2312/GBK printer fonts hold, beyond printable ASCII. */
const RANGES: readonly (readonly [number, number])[] = [
  // Latin-1 signs in GB2312: ¤ § ¨ ° ± · × ÷
  [0xa4, 0xa4], [0xa7, 0xa8], [0xb0, 0xb1], [0xb7, 0xb7], [0xd7, 0xd7], [0xf7, 0xf7],
  // Pinyin letters (GB2312 row 8): à á è é ê ì í ò ó ù ú ü ā ē ě ī ń ň ō ū ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ
  [0xe0, 0xe1], [0xe8, 0xea], [0xec, 0xed], [0xf2, 0xf3], [0xf9, 0xfa], [0xfc, 0xfc],
  [0x101, 0x101], [0x113, 0x113], [0x11b, 0x11b], [0x12b, 0x12b], [0x144, 0x144], [0x148, 0x148], [0x14d, 0x14d], [0x16b, 0x16b],
  [0x1ce, 0x1ce], [0x1d0, 0x1d0], [0x1d2, 0x1d2], [0x1d4, 0x1d4], [0x1d6, 0x1d6], [0x1d8, 0x1d8], [0x1da, 0x1da], [0x1dc, 0x1dc],
  // Greek and Cyrillic letters (GB2312 rows 6–7)
  [0x391, 0x3a1], [0x3a3, 0x3a9], [0x3b1, 0x3c1], [0x3c3, 0x3c9], [0x401, 0x401], [0x410, 0x44f], [0x451, 0x451],
  // General punctuation: ‐ – — ― ‖ ‘ ’ “ ” … ‰ ′ ″ ※
  [0x2010, 0x2010], [0x2013, 0x2016], [0x2018, 0x2019], [0x201c, 0x201d], [0x2026, 0x2026], [0x2030, 0x2030], [0x2032, 0x2033], [0x203b, 0x203b],
  // ℃ ℅ ℉ № ℡ Ⅰ–Ⅻ ⅰ–ⅹ ← ↑ → ↓
  [0x2103, 0x2103], [0x2105, 0x2105], [0x2109, 0x2109], [0x2116, 0x2116], [0x2121, 0x2121], [0x2160, 0x216b], [0x2170, 0x2179], [0x2190, 0x2193],
  // Mathematical signs of GB2312: ∈ ∏ ∑ √ ∝ ∞ ∠ ∧ ∨ ∩ ∪ ∫ ∮ ∴ ∵ ∶ ∷ ∽ ≈ ≌ ≠ ≡ ≤ ≥ ≮ ≯ ⊙ ⊥ ⌒
  [0x2208, 0x2208], [0x220f, 0x220f], [0x2211, 0x2211], [0x221a, 0x221a], [0x221d, 0x221e], [0x2220, 0x2220], [0x2227, 0x222b], [0x222e, 0x222e],
  [0x2234, 0x2237], [0x223d, 0x223d], [0x2248, 0x2248], [0x224c, 0x224c], [0x2260, 0x2261], [0x2264, 0x2265], [0x226e, 0x226f], [0x2299, 0x2299], [0x22a5, 0x22a5], [0x2312, 0x2312],
  // ①–⑳ ⑴–⒇ ⒈–⒛
  [0x2460, 0x2469], [0x2474, 0x249b],
  // Box drawing and blocks: ─ … ╳, ▁ … ▕
  [0x2500, 0x254b], [0x2550, 0x2573], [0x2581, 0x258f], [0x2593, 0x2595],
  // ■ □ ▲ △ ▼ ▽ ◆ ◇ ○ ◎ ● ◢–◥ ★ ☆ ♀ ♂
  [0x25a0, 0x25a1], [0x25b2, 0x25b3], [0x25bc, 0x25bd], [0x25c6, 0x25c7], [0x25cb, 0x25cb], [0x25ce, 0x25cf], [0x25e2, 0x25e5], [0x2605, 0x2606], [0x2640, 0x2640], [0x2642, 0x2642],
  // CJK punctuation 、。〃々〆〇〈〉《》「」『』【】〒〓〔〕〖〗〝〞, ㈠–㈩
  [0x3000, 0x3003], [0x3005, 0x3017], [0x301d, 0x301e], [0x3220, 0x3229],
  // Hiragana, katakana, ー; bopomofo
  [0x3041, 0x3093], [0x309b, 0x309e], [0x30a1, 0x30f6], [0x30fc, 0x30fe], [0x3105, 0x3129],
  // CJK unified ideographs (GBK holds all of U+4E00–U+9FA5)
  [0x4e00, 0x9fa5],
  // Full-width forms: ！…～, ￠ ￡ ￢ ￣ ￤ ￥
  [0xff01, 0xff5e], [0xffe0, 0xffe5],
];

/** Sorted by start for the binary search below. */
const PRINTABLE_RANGES = [...RANGES].sort((a, b) => a[0] - b[0]);

export function printerCanPrint(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (ch.length !== String.fromCodePoint(cp).length) return false; // more than one code point
  if (cp < 0x80) return cp >= 0x20 && cp <= 0x7e;
  let lo = 0;
  let hi = PRINTABLE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = PRINTABLE_RANGES[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter('zh', { granularity: 'grapheme' }) : null;

function graphemes(text: string): string[] {
  if (segmenter) return Array.from(segmenter.segment(text), (s) => s.segment);
  return Array.from(text);
}

/**
 * Text the printer can print: composed (NFC, so e + ◌́ becomes é), variation
 * selectors dropped, and every user-perceived character the font lacks
 * replaced by one PLACEHOLDER.
 */
export function printableText(text: string): string {
  // Fast path: plain ASCII and common CJK need no segmentation.
  if (/^[\x20-\x7e\u3000-\u3017\u4e00-\u9fa5\uff01-\uff5e\uffe0-\uffe5]*$/.test(text)) return text;
  let out = '';
  for (const cluster of graphemes(text.normalize('NFC'))) {
    // Variation selectors and invisible format characters (zero-width joiners, marks) carry no glyph of their own.
    const bare = cluster.replace(/[\ufe00-\ufe0f\p{Cf}]/gu, '');
    if (bare === '') continue;
    out += printerCanPrint(bare) ? bare : PLACEHOLDER;
  }
  return out;
}

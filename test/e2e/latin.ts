/**
 * The rules of "no Latin word on a zh-CN screen" (issue 10 §6), shared by
 * test/e2e/latin-words.e2e.test.ts (every screen and dialog) and the
 * keyboard e2e tests that check the screens they pass through.
 *
 * What counts as shown: the text of every rendered element (display not
 * none, visibility not hidden, with a box), their tooltips (title) and the
 * placeholders of fields. Taken out before words are counted: URLs and
 * printer addresses, order numbers, member numbers, the receipt's 查询码, key
 * names printed on buttons (with the single letter keys in a `kbd`), and
 * the allowed words.
 */
import type { Page } from 'playwright-core';

/** Words a Chinese screen may show: the language switch's "English", printer command-set brands (ESC/POS, Epson, Star), acronyms cashiers use, disk space units (MB, GB), report names, the liability ratio's letters, HH:MM. */
const ALLOWED = new Set(['English', 'ESC', 'POS', 'Epson', 'Star', 'PIN', 'CSV', 'QR', 'X', 'Z', 'e', 'r', 'HH', 'MM', 'ID', 'IP', 'USB', 'COM', 'WiFi', 'Wi-Fi', 'MB', 'GB']);
const KEY_NAMES = /\b(?:Ctrl|Shift|Alt)\+\S+|\b(?:F(?:[1-9]|1[0-2])|Enter|Esc|Tab|PgUp|PgDn|Backspace|Insert|Delete|Home|End)\b/g;
const URLS = /\b(?:[a-z][a-z0-9+.-]*:\/\/|file:|printer:|serial:|usb:)[^\s，。；、）)]*|\/\/[^\s/]+\/[^\s，。；、）)]+|\/dev\/\S+/gi;
const ORDER_NUMBERS = /\b[A-Za-z0-9_.-]+-\d{8}-\d{6}\b/g;
const MEMBER_NUMBERS = /\b[A-Z]{1,4}\d{3,}\b/g;
/** The receipt's 查询码 (A2X5-AVY7-0M9S). */
const LOOKUP_CODES = /\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){2,}\b/g;

/** The visible text of the page, one string per element's own text (and each placeholder). */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const shown = (el: Element) => {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return false;
      return el.getClientRects().length > 0;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('script, style, noscript, textarea')) continue;
      if (!shown(parent)) continue;
      // A letter key printed on its button (R 重试, C 重打副本, S 跳过 in the print-jobs list) is a key name.
      if (parent.closest('kbd') && /^[A-Z]$/.test(text)) continue;
      out.push(text);
    }
    // Tooltips are read on hover.
    for (const el of Array.from(document.querySelectorAll('[title]'))) {
      const title = el.getAttribute('title')?.trim();
      if (title && shown(el)) out.push(title);
    }
    for (const field of Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]'))) {
      const placeholder = field.getAttribute('placeholder')?.trim();
      if (placeholder && shown(field)) out.push(placeholder);
    }
    return out;
  });
}

export function latinWords(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const raw of texts) {
    const text = raw.replace(URLS, ' ').replace(ORDER_NUMBERS, ' ').replace(LOOKUP_CODES, ' ').replace(MEMBER_NUMBERS, ' ').replace(KEY_NAMES, ' ');
    for (const word of text.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []) {
      if (!ALLOWED.has(word)) found.add(`${word} «${raw.slice(0, 80)}»`);
    }
  }
  return [...found];
}


/** The Latin words on the page now (empty when the screen is Chinese). */
export async function latinOnScreen(page: Page): Promise<string[]> {
  return latinWords(await visibleTexts(page));
}

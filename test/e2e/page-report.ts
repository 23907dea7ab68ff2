/**
 * What a failed browser test's pages looked like, printed into the test log.
 *
 * Why: CI keeps only the log. A browser step that timed out ("waiting for
 * [data-test=staff-name]") says what did not appear, not what was on the
 * screen instead: a dialog over it, the page reloaded, an error, the focus
 * somewhere else. Every page of a counter context is tracked (its last
 * console lines, page errors and navigations), and test/setup/report-failed-pages.ts
 * prints each open page's state when a test fails.
 */
import type { Page } from 'playwright-core';

const KEPT_LINES = 30;
const tracked = new Map<Page, string[]>();

export function trackPage(page: Page): void {
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (lines.length > KEPT_LINES) lines.shift();
  };
  tracked.set(page, lines);
  page.on('console', (m) => note(`console.${m.type()}: ${m.text().slice(0, 300)}`));
  page.on('pageerror', (e) => note(`page error: ${e.message.slice(0, 300)}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) note(`navigated to ${frame.url()}`);
  });
  page.on('close', () => tracked.delete(page));
}

/** In the page (a string: the tests' type checking has no DOM library). */
const DESCRIBE_PAGE = `(() => {
  const el = document.activeElement;
  const where = (node) => {
    const marked = node && node.closest ? node.closest('[data-test]') : null;
    return node ? node.tagName.toLowerCase() + (marked ? ' in [data-test=' + marked.getAttribute('data-test') + ']' : '') : 'none';
  };
  const visible = (node) => { const r = node.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const marks = [...document.querySelectorAll('[data-test]')].filter(visible).map((n) => n.getAttribute('data-test'));
  const dialogs = [...document.querySelectorAll('.el-dialog, [role=dialog]')].filter(visible).map((n) => (n.getAttribute('data-test') || n.className).toString().slice(0, 60));
  const text = (document.querySelector('main') || document.body).innerText.replace(/\\s+/g, ' ').slice(0, 600);
  return { focus: where(el), dialogs, marks: [...new Set(marks)].slice(0, 60), text };
})()`;

/** Each tracked page's state and recent lines, or '' with no page open. */
export async function describeTrackedPages(): Promise<string> {
  const parts: string[] = [];
  for (const [page, lines] of tracked) {
    if (page.isClosed()) continue;
    let state: string;
    try {
      const s = (await Promise.race([page.evaluate(DESCRIBE_PAGE), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5_000))])) as {
        focus: string;
        dialogs: string[];
        marks: string[];
        text: string;
      };
      state = [`focus: ${s.focus}`, `dialogs: ${s.dialogs.join(', ') || 'none'}`, `on screen: ${s.marks.join(' ')}`, `text: ${s.text}`].join('\n  ');
    } catch (error) {
      state = `could not be read: ${(error as Error).message}`;
    }
    parts.push(`page ${page.url()}\n  ${state}\n  recent:\n    ${lines.join('\n    ') || '(nothing)'}`);
  }
  return parts.join('\n');
}

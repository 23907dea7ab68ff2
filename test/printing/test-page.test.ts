/** The printer test page the manager prints from the console: Chinese, titled once. */
import { afterEach, describe, expect, it } from 'vitest';
import { testPageData } from '../../electron/backend/printing/receipt-source';
import { buildReceipt, previewText } from '../../shared/receipt/index';
import { QUEUE, seedStore, tempDb, type TempDb } from './fixtures';

let t: TempDb | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

const page = (db: TempDb['db']) => previewText(buildReceipt(testPageData(db, QUEUE, Date.UTC(2026, 2, 2, 2)), { width: 80, copy: false })).join('\n').replace(/\s/g, '');

describe('printer test page', () => {
  it('a store with no name yet: 打印测试页 once, as the title; no English', () => {
    t = tempDb();
    const text = page(t.db);
    expect(text.split('打印测试页')).toHaveLength(2);
    expect(text).not.toMatch(/[A-Za-z]/);
    expect(text).toContain('￥123.45');
  });

  it("a named store: its name on top, then 打印测试页", () => {
    t = tempDb();
    seedStore(t.db, { 'store.name': '幸福超市', 'store.address': '人民路100号', 'receipt.header': '', 'receipt.footer': '' });
    const text = page(t.db);
    expect(text.indexOf('幸福超市')).toBeLessThan(text.indexOf('打印测试页'));
    expect(text.split('打印测试页')).toHaveLength(2);
  });
});

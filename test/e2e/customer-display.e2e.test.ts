/**
 * Issue #12 §2: the customer display as its own page in Chromium, fed by the
 * real backend's composed state; what each phase shows, that the page has
 * no way to send a command, that nothing overflows at 800×600, and the
 * screenshots (temp dir here; `npm run screenshots` writes docs/screenshots/).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, startHarness, type Harness } from './harness';
import { customerStates, openCustomerPage, screenshotCustomerDisplay, show } from './customer-display';

describe.skipIf(!chromiumAvailable())('the customer display (客显) in Chromium', () => {
  let h: Harness;
  let out: string;
  beforeAll(async () => {
    h = await startHarness();
    out = mkdtempSync(path.join(tmpdir(), 'qrc-customer-'));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('shows idle, typing, result and the draw, under the display switches, with no command bridge', async () => {
    const states = await customerStates(h);
    const page = await openCustomerPage(h, { width: 800, height: 600 });
    expect(await page.evaluate('typeof window.cashier')).toBe('undefined');

    await show(page, states.idle);
    const idle = await page.textContent('[data-test="customer-display"]');
    expect(idle).toContain('幸福超市');
    expect(idle).toContain('排队返现');
    expect(idle).toContain('每一笔消费提取实付金额的 10%');

    await show(page, states.typing);
    expect(await page.textContent('[data-test="customer-due"]')).toBe('¥168.00');
    expect(await page.textContent('[data-test="customer-to-pay"]')).toBe('¥160.00');

    await show(page, states.result);
    const result = (await page.textContent('[data-test="customer-display"]'))!;
    expect(result).toContain('支付成功');
    expect(result).toContain('王* 138****8000');
    expect(await page.textContent('[data-test="customer-position"]')).toContain('第 2 位');
    expect(result).toMatch(/您前面还有 ¥[\d,]+\.\d\d 待返/);
    // No date, no estimate of when.
    expect(result).not.toMatch(/预计|预估|\d{4}-\d{2}-\d{2}|\d+ ?天后|到账时间/);

    await show(page, states.draw);
    expect(await page.textContent('[data-test="customer-drawn"]')).toMatch(/抽中返利比例 \d+%/);

    // Nothing spills off an 800×600 screen in any phase.
    for (const phase of ['idle', 'typing', 'result', 'draw'] as const) {
      await show(page, states[phase]);
      const overflow = await page.evaluate('document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth');
      expect(overflow, phase).toBe(false);
    }

    // memberIdentity off: the same sale shows neither nickname nor masked phone.
    if (states.result.phase !== 'result') throw new Error('result expected');
    await show(page, { ...states.result, member: null });
    expect(await page.textContent('[data-test="customer-member"]')).toBe('会员');
    await page.close();
  }, 120_000);

  it('screenshots idle, typing, result and draw at 1024×768 and 800×600', async () => {
    const again = await startHarness();
    try {
      const files = await screenshotCustomerDisplay(again, out);
      expect(files.map((f) => path.basename(f))).toEqual([
        'customer-idle-1024x768.png',
        'customer-typing-1024x768.png',
        'customer-result-1024x768.png',
        'customer-draw-1024x768.png',
        'customer-idle-800x600.png',
        'customer-typing-800x600.png',
        'customer-result-800x600.png',
        'customer-draw-800x600.png',
      ]);
      for (const f of files) expect(existsSync(f) && statSync(f).size > 5_000, f).toBe(true);
    } finally {
      await again.close();
    }
  }, 180_000);
});

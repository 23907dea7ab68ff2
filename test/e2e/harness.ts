/**
 * The browser harness: the real renderer, built by Vite and served on
 * 127.0.0.1, port 0 (renderer-server.ts), opened in Debian's Chromium through playwright-core,
 * with `window.cashier` answered by the real backend code in this Node
 * process (`createCommandHandler(RegisterBackend.open(file))`) on a real
 * SQLite file. No mocked backend: `page.exposeBinding` carries every
 * invoke() to the handler, and the backend's StatusPublisher pushes status
 * back into the page (what the preload's onStatus does in Electron).
 *
 * Used by test/e2e/cashier.e2e.test.ts and scripts/screenshots.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import type { CommandInput, CommandName, CommandOutput, StatusSnapshot } from '../../shared/contract';
import { changeSettings, seededRandom } from '../../shared/engine/index';
import type { SettingsLayer } from '../../shared/settings';
import { createCommandHandler, StatusPublisher, type CommandHandler } from '../../electron/backend/app/handlers';
import { phoneDigest, phoneKeyFromSecret } from '../../electron/backend/members/phone-digest';
import { RegisterBackend, type Logger } from '../../electron/backend/app/register';
import { trackPage } from './page-report';
import { rendererUrl, serveRenderer } from './renderer-server';

export const CHROMIUM = '/usr/bin/chromium';
/** The phone digest key of the e2e register (fixed, so seeded members can be found by phone). */
export const TEST_PHONE_KEY = phoneKeyFromSecret(Buffer.alloc(32, 9));
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: (m, e) => console.error(m, e) };

/** What the e2e shift and the screenshots sell under. */
export const STORE_SETTINGS: SettingsLayer = {
  rebateName: '排队返现',
  exchangeName: '兑换好礼',
  extractionBp: 1000,
  defaultRatioBp: 10000,
  levelRatiosBp: { gold: 13000 },
  lottery: { fixedBp: [5000, 10000, 15000, 20000] },
  exchange: { pointsBp: 10000, vouchersBp: 10000 },
} as SettingsLayer;

export interface SeedMember {
  id: string;
  level: string;
  displayName?: string;
  code?: string;
  phone?: string;
  maskedPhone?: string;
}

export const MEMBERS: SeedMember[] = [
  { id: 'M001', level: 'gold', displayName: '王*', code: 'VIP0001', phone: '13800138000', maskedPhone: '138****8000' },
  { id: 'M002', level: 'normal', displayName: '李*', code: 'MC20002', phone: '13900139000', maskedPhone: '139****9000' },
  { id: 'M003', level: 'normal', displayName: '张*', code: 'MC30003', phone: '13700137000', maskedPhone: '137****7000' },
];

export interface HarnessOptions {
  /** Keep the temp dir (the DB file) after close. */
  keep?: boolean;
  viewport?: { width: number; height: number };
  settings?: SettingsLayer;
  members?: SeedMember[];
}

export interface Harness {
  dir: string;
  dbFile: string;
  url: string;
  backend: RegisterBackend;
  handle: CommandHandler;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Calls the backend directly (setup steps that have no screen). */
  ok<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  /** Opens the app and waits until it has talked to the backend. */
  openApp(): Promise<void>;
  close(): Promise<void>;
}

export function configure(backend: RegisterBackend, cashier: SettingsLayer): void {
  backend.store.transaction(() =>
    changeSettings(
      { store: backend.store, queueId: backend.queueId, timezone: backend.timezone, random: seededRandom(1), newEventId: () => `set-${Date.now()}-${Math.random()}` },
      { at: backend.now(), cashier, actor: 'e2e', source: 'manager' },
    ),
  );
}

export function addMember(backend: RegisterBackend, m: SeedMember): void {
  backend.db
    .prepare(
      `INSERT INTO members (id, level, display_name, masked_phone, member_code, phone_digest, source, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'local', ?)`,
    )
    .run(m.id, m.level, m.displayName ?? null, m.maskedPhone ?? null, m.code ?? null, m.phone ? phoneDigest(TEST_PHONE_KEY, m.phone) : null, Date.now());
}

/** The renderer, built once for these sources and served on 127.0.0.1 (test/e2e/renderer-server.ts says why not the dev server). */
export function startRenderer(): Promise<PreviewServer> {
  return serveRenderer(root);
}


/**
 * Installed before any page script runs; the page's only way to the backend.
 * A string, not a function: tsx/vitest transforms would inject helpers
 * (`__name`) that do not exist in the page.
 */
export const INSTALL_CASHIER_API = `(() => {
  const listeners = new Set();
  window.__cashierStatus = (status) => { for (const l of listeners) l(status); };
  window.cashier = Object.freeze({
    invoke: (name, input) => window.__cashierInvoke(name, input),
    onStatus: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
  });
})();`;

/** Debian's Chromium, headless, without the background traffic this machine's closed network refuses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A zh-CN page context in Shanghai time, as at the counter. */
export async function counterContext(browser: Browser, viewport: { width: number; height: number } = { width: 1366, height: 820 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  // A loaded CI machine (2 cores, the whole suite) is slow to settle a
  // screen: wait longer than Playwright's 30 s.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(120_000);
  // A failed test prints what each page showed (test/setup/report-failed-pages.ts).
  context.on('page', trackPage);
  return context;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qrc-e2e-'));
  const dbFile = path.join(dir, 'cashier.db');
  const backend = RegisterBackend.open(dbFile, { logger: quietLogger, scryptCost: { N: 1024, r: 8, p: 1 }, phoneKey: TEST_PHONE_KEY });
  configure(backend, options.settings ?? STORE_SETTINGS);
  for (const m of options.members ?? MEMBERS) addMember(backend, m);
  const handle = createCommandHandler(backend, quietLogger);
  const publisher = new StatusPublisher(backend, quietLogger);

  let server: PreviewServer | null = null;
  let browser: Browser | null = null;
  const cleanup = async () => {
    publisher.close();
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    backend.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startRenderer();
    const url = rendererUrl(server);
    browser = await launchChromium();
    const context = await counterContext(browser, options.viewport);
    await context.exposeBinding('__cashierInvoke', async (_source, name: unknown, input: unknown) => handle(name, input));
    await context.addInitScript({ content: INSTALL_CASHIER_API });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    publisher.subscribe((status: StatusSnapshot) => {
      for (const p of context.pages()) {
        p.evaluate(`window.__cashierStatus?.(${JSON.stringify(status)})`).catch(() => {});
      }
    });
    const harness: Harness = {
      dir,
      dbFile,
      url,
      backend,
      handle,
      browser,
      context,
      page,
      ok: async (name, input) => {
        const r = await handle(name, input);
        if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
        return r.value as never;
      },
      openApp: async () => {
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForSelector('[data-ready="yes"]', { timeout: 60_000 });
      },
      close: cleanup,
    };
    return harness;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * A keyboard-wedge scanner: every key within a few ms, then Enter.
 *
 * Why the keys are dispatched inside the page rather than with
 * page.keyboard.type: each Playwright key is two CDP round trips, and on a
 * loaded CI machine (2 cores, the whole suite running) those round trips
 * alone exceeded the scanner's 35 ms gap, so the burst was read as typing and
 * the test timed out. Dispatched in one task, the gaps are what a real scanner
 * sends (well under 1 ms). Untrusted events do not type into the focused
 * field; the restore-the-field path is covered by test/renderer/scanner.test.ts.
 */
export async function scan(page: Page, code: string): Promise<void> {
  // A string, not a function: the tests' type checking has no DOM library.
  await page.evaluate(`(() => {
    const target = document.activeElement ?? document.body;
    const send = (key) => {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, cancelable: true, composed: true }));
    };
    for (const key of ${JSON.stringify(code)}) send(key);
    send('Enter');
  })()`);
}

/** Types text like a person (well above the scanner's 35 ms gap). */
export async function typeSlowly(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 60 });
}

// ---------------------------------------------------------------------------
// The steps every browser test and the screenshots start with, by keyboard
// (issue 10: a store's first day with only a keyboard), written once here.

/** The first person of every e2e register: the manager created by the first run. */
export const MANAGER = { name: '陈店长', pin: '2468' } as const;

const testSel = (id: string) => `[data-test="${id}"]`;
/**
 * The page's document, typed here: the scripts' type checking has no DOM
 * library. Functions (not strings) go to waitForFunction: a string would be
 * evaluated in the page, which its CSP (no 'unsafe-eval') refuses.
 */
interface PageGlobals {
  document: {
    activeElement: { closest(selector: string): unknown } | null;
    querySelector(selector: string): { textContent: string | null } | null;
  };
}
/** In the page: whether the keyboard focus is inside the element matching `selector`. */
const focusInside = (selector: string) => (globalThis as unknown as PageGlobals).document.activeElement?.closest(selector) != null;

/** Waits until the keyboard focus is inside the element marked data-test=id. */
export async function focusIn(page: Page, id: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(focusInside, testSel(id), { timeout });
}

/** Presses Tab until the focus is inside data-test=id (at most `max` times); fails if it never gets there. */
export async function tabTo(page: Page, id: string, max = 8): Promise<void> {
  const inside = () => page.evaluate(focusInside, testSel(id));
  for (let i = 0; i < max && !(await inside()); i++) await page.keyboard.press('Tab');
  if (!(await inside())) throw new Error(`Tab never reached [data-test="${id}"]`);
}

/**
 * The first run by keyboard: the name field has the focus on arrival; name,
 * Tab, PIN, Tab, PIN again, Enter creates the manager, who lands signed in on
 * the shift screen (no shift open yet).
 */
export async function firstRun(page: Page, manager: { name: string; pin: string } = MANAGER): Promise<void> {
  await page.waitForSelector(testSel('first-name'));
  await focusIn(page, 'first-name');
  await typeSlowly(page, manager.name);
  await tabTo(page, 'first-pin');
  await typeSlowly(page, manager.pin);
  await tabTo(page, 'first-pin-again');
  await typeSlowly(page, manager.pin);
  await page.keyboard.press('Enter');
  await page.waitForSelector(testSel('opening-float'));
}

/** On the shift screen with no shift open: the float field has the focus; the float, Enter → the checkout. */
export async function openShift(page: Page, floatYuan = '500'): Promise<void> {
  await page.waitForSelector(testSel('opening-float'));
  await focusIn(page, 'opening-float');
  await typeSlowly(page, floatYuan);
  await page.keyboard.press('Enter');
  await page.waitForSelector(testSel('checkout-view'));
}

/** On the sign-in screen: ↓ until `name` is chosen, the PIN (its field has the focus), Enter. */
export async function signIn(page: Page, name: string, pin: string): Promise<void> {
  await page.waitForSelector(`${testSel('sign-in')} ${testSel('pin')}`);
  const chosen = () => page.locator('.cashier[aria-checked="true"] .name').textContent();
  for (let i = 0; i < 12 && (await chosen()) !== name; i++) await page.keyboard.press('ArrowDown');
  if ((await chosen()) !== name) throw new Error(`sign-in: ${name} is not in the list`);
  await focusIn(page, 'pin');
  await typeSlowly(page, pin);
  await page.keyboard.press('Enter');
  await page.waitForSelector(testSel('sign-in'), { state: 'detached' });
}

/** Ctrl+G, the PIN door (its field has the focus), the manager PIN, Enter → the unlocked console. */
export async function unlockConsole(page: Page, pin: string = MANAGER.pin): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.waitForSelector(testSel('manager-pin-panel'));
  await focusIn(page, 'manager-unlock-pin');
  await typeSlowly(page, pin);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${testSel('manager-view')}[data-unlocked="yes"]`);
}

/** First run, then the shift opened by the manager: the checkout, ready for the first sale. */
export async function firstRunToCheckout(page: Page, floatYuan = '500'): Promise<void> {
  await firstRun(page);
  await openShift(page, floatYuan);
}

/**
 * In the console's staff section (F12): Insert opens the add dialog with the
 * name field focused; name, Tab to the PIN (past the role, which stays 收银员),
 * PIN, Tab, PIN again, Enter; waits for the notice that names the person.
 */
export async function addStaff(page: Page, name: string, pin: string): Promise<void> {
  await page.keyboard.press('Insert');
  await page.waitForSelector(testSel('staff-name'));
  await focusIn(page, 'staff-name');
  await typeSlowly(page, name);
  await tabTo(page, 'staff-pin');
  await typeSlowly(page, pin);
  await tabTo(page, 'staff-pin-again');
  await typeSlowly(page, pin);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).document.querySelector('[data-test="staff-notice"]')?.textContent?.includes(n) === true, name);
  // The dialog closed and the list has the cursor: the next key is the list's.
  await focusIn(page, 'staff-list');
}

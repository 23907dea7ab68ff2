/**
 * The message catalogue (shared/messages/catalogue.ts) and its two locales:
 * every code has a zh-CN and an English text, each placeholder is a
 * parameter of its code, and no Chinese text carries English words once its
 * parameters are filled in. Plus the formatting the translator relies on.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_CATALOGUE, msg, paramKinds, placeholders, type Message, type MessageCode, type ParamKind } from '../../shared/messages/catalogue';
import { EN_MESSAGES, englishText } from '../../shared/messages/en';
import { auditActionMessage } from '../../shared/messages/audit';
import { issueMessage } from '../../shared/messages/issues';
import { ratioStepMessage } from '../../shared/messages/ratio-steps';
import { levelDisplayName, levelsInForce } from '../../shared/levels';
import { formatYuanGrouped, type Fen } from '../../shared/money';
import { registerDisplayName } from '../../shared/register-name';
import { levelName, messageText, MESSAGE_TEXTS, setLevelNames } from '../../renderer/i18n/messages';
import { ZH_MESSAGES } from '../../renderer/i18n/messages.zh-CN';
import { yuan } from '../../renderer/money-input';

const CODES = Object.keys(MESSAGE_CATALOGUE) as MessageCode[];

/** A plausible value of each kind, to fill a template the way a screen would. */
const SAMPLE: Record<ParamKind, string | number> = {
  text: '张三',
  order: 'register-1-20260302-000123',
  count: 3,
  fen: 1_919_950_560,
  bp: 12_500,
  instant: new Date(2026, 0, 5, 10, 7, 30).getTime(),
  rule: 'cashier.level',
  level: 'gold',
  field: 'extractionBp',
  tender: 'wechat',
  fields: 'extractionBp,levelNames',
  items: 'printer.uri,printer.copies',
  bytes: 1_288_490_189,
};

function sample(code: MessageCode): Message {
  const params = Object.fromEntries(Object.entries(paramKinds(code)).map(([name, kind]) => [name, SAMPLE[kind]]));
  return { code, params } as Message;
}

/** Latin words a Chinese screen may show (see test/e2e/latin-words.e2e.test.ts for the whole list). */
const ALLOWED_LATIN = new Set(['MB', 'GB', 'PIN', 'CSV', 'QR', 'X', 'Z', 'F1', 'F3', 'F4', 'HH', 'MM', 'tcp', 'IP', 'printer', 'file', 'wss', 'https', 'http', 'example', 'com', 'central', 'T10', 'YYYY', // printer address syntax the shop types (issue 11):
  'serial', 'baud', 'dev', 'usb', 'lp0', 'ttyUSB0', 'COM3', 'LPT1']);

function latinWords(text: string): string[] {
  return (text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w));
}

describe('message catalogue', () => {
  it('every code has a non-empty zh-CN and English text', () => {
    expect(CODES.length).toBeGreaterThan(50);
    for (const code of CODES) {
      expect(ZH_MESSAGES[code], code).toMatch(/\S/);
      expect(EN_MESSAGES[code], code).toMatch(/\S/);
    }
    // No text for a code that does not exist.
    expect(Object.keys(ZH_MESSAGES).sort()).toEqual([...CODES].sort());
    expect(Object.keys(EN_MESSAGES).sort()).toEqual([...CODES].sort());
  });

  it('every placeholder names a parameter of its code', () => {
    for (const code of CODES) {
      const names = Object.keys(paramKinds(code));
      for (const locale of ['zh-CN', 'en'] as const) {
        for (const p of placeholders(MESSAGE_TEXTS[locale][code])) expect(names, `${locale} ${code} uses {${p}}`).toContain(p);
      }
    }
  });

  it('no English word, raw key, fen count, basis points or epoch in a filled-in Chinese text', () => {
    for (const code of CODES) {
      const text = messageText(sample(code), 'zh-CN');
      expect(latinWords(text), `${code}: ${text}`).toEqual([]);
      expect(text, code).not.toMatch(/\{\w+\}/);
      expect(text, code).not.toContain('1919950560');
      expect(text, code).not.toContain('1288490189');
      expect(text, code).not.toContain('12500');
      expect(text, code).not.toMatch(/\d{12,}/);
    }
  });

  it('a refusal met at the counter says what to do next, not only what is wrong', () => {
    // Met by keyboard in a store's day (the orders screen's day filter, the member field, staff, PINs).
    for (const code of ['order.badDay', 'line.memberNotFound', 'staff.notFound', 'order.notFound'] as const) {
      expect(ZH_MESSAGES[code], code).toContain('请');
    }
  });

  it('parameters are written by their kind', () => {
    expect(messageText(msg('checkout.tenderShort', { tenderedFen: 1_000_000, actualPaidFen: 1_919_950_560 }), 'zh-CN')).toBe('收款合计 ¥10,000.00 不够实付 ¥19,199,505.60，请补足。');
    expect(messageText(msg('input.tooLargeBp', { max: 100_000 }), 'zh-CN')).toBe('不能大于 1000%');
    expect(messageText(msg('pin.locked', { until: SAMPLE.instant as number }), 'zh-CN')).toBe('PIN 已锁定，请在 2026-01-05 10:07:30 之后再试。');
    expect(messageText(msg('ratio.cashierLevel', { level: 'gold' }), 'zh-CN')).toBe('本收银台给 金卡会员 的比例');
    expect(messageText(msg('ratio.other', { rule: 'base.default' }), 'zh-CN')).toBe('基础设置·默认比例');
    expect(messageText(msg('checkout.tenderShort', { tenderedFen: 100, actualPaidFen: 250 }), 'en')).toBe('The tenders (¥1.00) do not cover the amount to pay (¥2.50).');
    expect(englishText(msg('pin.wrongManager', { triesLeft: 3, lockMinutes: 5 }))).toContain('3 tries left');
  });

  it('an unknown code (a newer backend) is still said in the UI language', () => {
    expect(messageText({ code: 'something.new', params: {} } as unknown as Message, 'zh-CN')).toBe(ZH_MESSAGES.internal);
    expect(messageText(null, 'en')).toBe(EN_MESSAGES.internal);
  });
});

describe('zod issues as messages', () => {
  it('maps limits by unit and the schemas’ own sentences by code', () => {
    expect(issueMessage({ code: 'too_big', path: ['changes', 'extractionBp'], message: 'x', maximum: 10_000, origin: 'number' })).toEqual(msg('input.tooLargeBp', { max: 10_000 }));
    expect(issueMessage({ code: 'too_big', path: ['amountDueFen'], message: 'x', maximum: 100, origin: 'number' })).toEqual(msg('input.tooLargeFen', { max: 100 }));
    expect(issueMessage({ code: 'too_big', path: ['name'], message: 'x', maximum: 40, origin: 'string' })).toEqual(msg('input.tooLong', { max: 40 }));
    expect(issueMessage({ code: 'too_small', path: ['name'], message: 'x', minimum: 1, origin: 'string' })).toEqual(msg('input.empty'));
    expect(issueMessage({ code: 'invalid_type', path: ['a'], message: 'x', expected: 'int' })).toEqual(msg('input.notInteger'));
    expect(issueMessage({ code: 'custom', path: ['lottery'], message: 'lottery minBp must not be above maxBp' })).toEqual(msg('input.lotteryMinAboveMax'));
    expect(issueMessage({ code: 'invalid_format', path: ['pin'], message: 'a PIN is 4–8 digits' })).toEqual(msg('input.pinFormat'));
    expect(issueMessage({ code: 'unrecognized_keys', path: [], message: 'x', keys: ['evil'] })).toEqual(msg('input.unknownField', { keys: 'evil' }));
    expect(issueMessage({ code: 'whatever', path: [], message: 'Some English' })).toEqual(msg('input.invalid'));
    expect(issueMessage({ code: 'invalid_format', path: ['phone'], message: 'a mainland mobile number: 11 digits starting 13–19' })).toEqual(msg('member.phoneInvalid'));
  });
});

describe('money and levels', () => {
  it('money has thousands separators, by integers', () => {
    expect(formatYuanGrouped(1_919_950_560 as Fen)).toBe('19,199,505.60');
    expect(formatYuanGrouped(0 as Fen)).toBe('0.00');
    expect(formatYuanGrouped(99_999 as Fen)).toBe('999.99');
    expect(formatYuanGrouped(100_000 as Fen)).toBe('1,000.00');
    expect(formatYuanGrouped(Number.MAX_SAFE_INTEGER as Fen)).toBe('90,071,992,547,409.91');
    expect(yuan(123_456_789)).toBe('¥1,234,567.89');
    expect(yuan(-1_234_500)).toBe('-¥12,345.00');
    expect(yuan(null)).toBe('—');
  });

  it('a register is named for a person', () => {
    expect(registerDisplayName('register-1')).toBe('1 号收银台');
    expect(registerDisplayName('register-12', 'en')).toBe('Register 12');
    expect(registerDisplayName('前台收银')).toBe('前台收银');
  });

  it('a level is shown by its name, never its key', () => {
    expect(levelDisplayName('gold', null, [], 'zh')).toBe('金卡会员');
    expect(levelDisplayName('normal', null, [], 'zh')).toBe('普通会员');
    expect(levelDisplayName('gold', { gold: '黄金会员' }, [], 'zh')).toBe('黄金会员');
    expect(levelDisplayName('lv3', null, [], 'zh')).toBe('会员等级3');
    expect(levelDisplayName('zeta', null, ['alpha', 'zeta'], 'zh')).toBe('会员等级2');
    expect(levelDisplayName('zeta', null, ['alpha', 'zeta'], 'en')).toBe('Member level 2');
    setLevelNames({ staff: '员工价' }, ['staff', 'gold']);
    expect(levelName('staff', 'zh-CN')).toBe('员工价');
    expect(levelName('gold', 'zh-CN')).toBe('金卡会员');
    expect(levelName(null, 'zh-CN')).toBe('—');
    setLevelNames({});
  });
});

describe('audit rows and ratio steps in words', () => {
  it('an audited action reads as a sentence, never its key or JSON', () => {
    const zh = (action: string, detail: unknown) => messageText(auditActionMessage(action, detail), 'zh-CN');
    expect(zh('settings.save', { layer: 'cashier', fields: ['extractionBp', 'lottery'], auditIds: [1, 2] })).toBe('修改了本收银台设置：提取比例、抽奖返利比例');
    expect(zh('printer.save', { 'printer.uri': { old: null, new: 'tcp://1.2.3.4:9100' }, 'printer.copies': { old: '1', new: '2' } })).toBe('修改了打印机设置：打印机地址、份数');
    expect(zh('reports.export', { report: 'queue', from: '2026-01-01', to: '2026-01-31', rows: 12 })).toBe('导出了排队记录 2026-01-01 至 2026-01-31（12 行）');
    expect(zh('pin.locked', { purpose: 'unlock', lockedUntil: SAMPLE.instant })).toBe('店长 PIN 错误次数过多，锁定到 2026-01-05 10:07:30');
    expect(zh('staff.rename', { cashierId: 'c-1', old: '林小红', new: '林晓红' })).toBe('把 林小红 改名为 林晓红');
    expect(zh('order.refund', { orderId: 'R-20260105-000001', amountFen: 1_234_500, handBack: [] })).toBe('批准了订单 20260105-0001 的退款（¥12,345.00）');
    expect(zh('print.skip', { jobId: 3, orderId: 'R-20260105-000001', kind: 'receipt', slip: null, state: 'failed', reason: '纸卡住了', lastError: 'timeout' })).toBe('跳过了订单 20260105-0001 的小票打印，原因：纸卡住了');
    expect(zh('print.skip', { jobId: 4, orderId: 'R-20260105-000001', kind: 'receipt', slip: 'refund', reason: '顾客不要' })).toBe('跳过了订单 20260105-0001 的凭条打印，原因：顾客不要');
    expect(zh('print.skip', { jobId: 5, orderId: null, kind: 'report', report: 'Z', reason: '已手写' })).toBe('跳过了 Z 报表的打印，原因：已手写');
    expect(zh('print.skip', { jobId: 6, orderId: null, kind: 'test', reason: '不需要' })).toBe('跳过了打印测试页，原因：不需要');
    expect(zh('something.new', { a: 1 })).toBe('其他操作');
    expect(zh('settings.save', 'not an object')).toBe('修改了本收银台设置：（无）');
  });

  it('an order is named by its order number, never its internal id (1-20260302-0001, not register-1-…)', () => {
    const order = 'register-1-20260302-000001';
    expect(messageText(msg('order.alreadyRefunded', { orderId: order }), 'zh-CN')).toContain('1-20260302-0001');
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const code of ['order.notFound', 'order.noEntitlement', 'order.alreadyRefunded', 'order.refundClosedDay'] as const) {
        expect(messageText(msg(code, { orderId: order }), locale)).not.toContain('register-1');
      }
      expect(messageText(auditActionMessage('order.refund', { orderId: order, amountFen: 100 }), locale)).not.toContain('register-1');
    }
  });

  it('a ratio step is explained in the UI language, recorded history included', () => {
    const zh = (rule: string, detail: string) => messageText(ratioStepMessage({ rule, detail }), 'zh-CN');
    expect(zh('cashier.level', 'register ratio for level "gold"')).toBe('本收银台给 金卡会员 的比例');
    expect(zh('cashier.tiers', 'spent at least 1000000 fen in the last 30 days')).toBe('近 30 天累计消费满 ¥10,000.00');
    expect(zh('cashier.tiers', 'no cumulative-spend tiers set')).toBe('未设置累计消费阶梯');
    expect(zh('base.default', 'platform default ratio')).toBe('基础设置的默认比例');
    expect(zh('some.rule', 'x')).toBe('其他规则');
  });

  it('level names in force: the register over the base, key by key', () => {
    expect(levelsInForce({ base: { levelNames: { gold: '金卡', silver: '银卡' }, levelRatiosBp: { vip3: 100 } }, cashier: { levelNames: { gold: '黄金会员' } } })).toEqual({
      names: { gold: '黄金会员', silver: '银卡' },
      known: ['gold', 'silver', 'vip3'],
    });
  });
});

/** Money, ratios and settings refuse every malformed value with a message that names it. */
import { describe, expect, it } from 'vitest';
import { applyBp, formatPercent, formatYuan, MoneyError, parseYuan, paymentFen, rewardBp, extractionBp, fen, type Bp, type Fen } from '../../shared/money';
import { applySettingsChange, parseSettingsChange, parseSettingsLayer, resolveSettings, SettingsError } from '../../shared/settings';
import { insideWindows, latestResetAtOrBefore, localDay, nextResetAfter } from '../../shared/engine/time';

describe('money', () => {
  it.each([
    ['zero', 0],
    ['negative', -1],
    ['fraction', 100.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['above 10,000,000.00 yuan', 1_000_000_001],
    ['a string', '100'],
    ['null', null],
    ['a bigint', 100n],
  ])('a payment that is %s is refused', (_, value) => {
    expect(() => paymentFen(value)).toThrow(MoneyError);
    expect(() => paymentFen(value)).toThrow(/payment \(fen\)/);
  });

  it('payments from 1 fen to 10,000,000.00 yuan are accepted', () => {
    expect(paymentFen(1)).toBe(1);
    expect(paymentFen(1_000_000_000)).toBe(1_000_000_000);
  });

  it('ratios have their ranges', () => {
    expect(rewardBp(100_000)).toBe(100_000);
    expect(() => rewardBp(100_001)).toThrow(/at most|between/);
    expect(extractionBp(10_000)).toBe(10_000);
    expect(() => extractionBp(10_001)).toThrow(MoneyError);
    expect(() => extractionBp(12.5)).toThrow(/whole number/);
  });

  it('applyBp floors and stays exact past 2^53 products', () => {
    expect(applyBp(fen(999), 1000 as Bp)).toBe(99);
    expect(applyBp(fen(1), 9999 as Bp)).toBe(0);
    const big = fen(Number.MAX_SAFE_INTEGER - 1);
    expect(applyBp(big, 10_000 as Bp)).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(applyBp(fen(1_000_000_000), 100_000 as Bp)).toBe(10_000_000_000);
  });

  it('yuan text is parsed to fen without floats; anything else is refused', () => {
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('12.5')).toBe(1250);
    expect(parseYuan(' 0.07 ')).toBe(7);
    expect(parseYuan('19.99')).toBe(1999); // 19.99 * 100 = 1998.9999… as a float
    for (const bad of ['', '-1', '1.234', '1e3', '1,00', '12.', '.5', 'abc', '1 2']) expect(() => parseYuan(bad)).toThrow(MoneyError);
  });

  it('formats fen as yuan and bp as percent exactly', () => {
    expect(formatYuan(1999 as Fen)).toBe('19.99');
    expect(formatYuan(5 as Fen)).toBe('0.05');
    expect(formatPercent(13000 as Bp)).toBe('130%');
    expect(formatPercent(13050 as Bp)).toBe('130.5%');
    expect(formatPercent(1 as Bp)).toBe('0.01%');
  });
});

describe('settings', () => {
  it.each([
    ['extraction above 100 %', { extractionBp: 10001 }, /extractionBp/],
    ['a fractional ratio', { defaultRatioBp: 10.5 }, /whole number/],
    ['a negative ratio', { defaultRatioBp: -1 }, /at least 0/],
    ['a ratio above 1000 %', { levelRatiosBp: { gold: 100001 } }, /levelRatiosBp\.gold/],
    ['a ratio as text', { defaultRatioBp: '10000' }, /number/],
    ['an unknown field', { extractoinBp: 100 }, /extractoinBp/],
    ['lottery min above max', { lottery: { minBp: 5, maxBp: 1 } }, /minBp/],
    ['an empty fixed lottery', { lottery: { fixedBp: [] } }, /at least one/],
    ['a window that does not parse', { windows: [{ from: '25:00', to: '10:00' }] }, /HH:MM/],
    ['a window of no length', { windows: [{ from: '10:00', to: '10:00' }] }, /same minute/],
    ['a weekly reset on day 8', { reset: { kind: 'weekly', weekday: 8, at: '00:00' } }, /weekday/],
    ['a monthly reset on the 31st', { reset: { kind: 'monthly', day: 31, at: '00:00' } }, /day/],
    ['a one-off reset without offset', { reset: { kind: 'once', at: '2026-01-01T00:00:00' } }, /offset/],
    ['a tier of zero days', { tiers: [{ days: 0, minSpendFen: 1, ratioBp: 1 }] }, /tier days/],
    ['an empty random-return group', { randomReturn: { cashCount: 0, pointsCount: 0 } }, /at least one/],
    ['an unknown settlement', { settlement: 'whenever' }, /settlement/],
  ])('%s is refused with a message naming the field', (_, layer, message) => {
    expect(() => parseSettingsLayer(layer)).toThrow(SettingsError);
    expect(() => parseSettingsLayer(layer)).toThrow(message);
  });

  it('a change sets fields, null unsets them, and the result is checked again', () => {
    const layer = parseSettingsLayer({ extractionBp: 1000, paused: true });
    const changed = applySettingsChange(layer, parseSettingsChange({ paused: null, defaultRatioBp: 5000 }));
    expect(changed).toEqual({ extractionBp: 1000, defaultRatioBp: 5000 });
    expect(() => parseSettingsChange({ extractionBp: 20000 })).toThrow(SettingsError);
  });

  it('the cashier layer wins over the base layer field by field, with defaults below both', () => {
    const effective = resolveSettings({ base: { extractionBp: 1000, paused: true }, cashier: { extractionBp: 500 } });
    expect(effective).toMatchObject({ extractionBp: 500, paused: true, settlement: 'payment', ordering: 'queue', leftover: 'undistributed', enabled: true });
  });
});

describe('local time in Asia/Shanghai', () => {
  const tz = 'Asia/Shanghai';
  const t = (s: string) => Date.parse(s);

  it('days start at local midnight', () => {
    expect(localDay(t('2026-01-05T23:59:00+08:00'), tz)).toEqual({ start: t('2026-01-05T00:00:00+08:00'), end: t('2026-01-06T00:00:00+08:00') });
  });

  it('windows are [from, to), across midnight when from > to', () => {
    const windows = [{ from: '22:00', to: '02:00' }];
    expect(insideWindows(t('2026-01-05T22:00:00+08:00'), windows, tz)).toBe(true);
    expect(insideWindows(t('2026-01-06T01:59:00+08:00'), windows, tz)).toBe(true);
    expect(insideWindows(t('2026-01-06T02:00:00+08:00'), windows, tz)).toBe(false);
    expect(insideWindows(t('2026-01-06T12:00:00+08:00'), [], tz)).toBe(true);
  });

  it('reset occurrences: latest at or before, and next after', () => {
    const weekly = { kind: 'weekly', weekday: 1, at: '09:30' } as const; // Mondays
    expect(latestResetAtOrBefore(weekly, t('2026-01-07T00:00:00+08:00'), tz)).toBe(t('2026-01-05T09:30:00+08:00'));
    expect(nextResetAfter(weekly, t('2026-01-05T09:30:00+08:00'), tz)).toBe(t('2026-01-12T09:30:00+08:00'));
    const monthly = { kind: 'monthly', day: 28, at: '00:00' } as const;
    expect(latestResetAtOrBefore(monthly, t('2026-03-27T00:00:00+08:00'), tz)).toBe(t('2026-02-28T00:00:00+08:00'));
    expect(latestResetAtOrBefore({ kind: 'off' }, t('2026-03-27T00:00:00+08:00'), tz)).toBeNull();
  });

  it('works in a zone with daylight saving time too', () => {
    const ny = 'America/New_York';
    // 2026-03-08 is the spring-forward day; local midnight is still 05:00Z.
    expect(localDay(Date.parse('2026-03-08T12:00:00Z'), ny).start).toBe(Date.parse('2026-03-08T05:00:00Z'));
    expect(latestResetAtOrBefore({ kind: 'daily', at: '09:00' }, Date.parse('2026-03-09T00:00:00Z'), ny)).toBe(Date.parse('2026-03-08T13:00:00Z'));
  });
});

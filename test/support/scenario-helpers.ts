/** Small builders for scenario-based engine tests: times in Shanghai, members m1…m9, subset matching. */
import { MemoryQueueStore } from '../../shared/engine/index';
import { parseScenario, replayScenario, type ScenarioReport } from '../../shared/scenario';

/** 2026-01-05 (a Monday) at HH:MM in Shanghai, or another day with `day`. */
export function at(clock: string, day = 5, month = 1): string {
  return `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${clock}:00+08:00`;
}

export const MEMBERS = Array.from({ length: 9 }, (_, i) => ({ id: `m${i + 1}`, level: i < 3 ? 'gold' : 'normal' }));

export function pay(id: string, clock: string, amountFen: number, member: string | null = 'm1', extra: Record<string, unknown> = {}) {
  return { type: 'checkout', id, at: at(clock), member, amountFen, deductionFen: 0, ...extra };
}

export function run(input: { base?: object; cashier?: object; events: object[]; members?: object[]; seed?: number }): ScenarioReport {
  return replayScenario(
    parseScenario({ timezone: 'Asia/Shanghai', seed: input.seed ?? 1, base: input.base ?? {}, cashier: input.cashier ?? {}, members: input.members ?? MEMBERS, events: input.events }),
    new MemoryQueueStore(),
  );
}

export function entry(report: ScenarioReport, order: string) {
  const found = report.entries.find((e) => e.order === order);
  if (!found) throw new Error(`no entry for ${order}: ${JSON.stringify(report.entries.map((e) => e.order))}`);
  return found;
}

export function order(report: ScenarioReport, id: string) {
  const found = report.orders.find((o) => o.id === id);
  if (!found) throw new Error(`no order ${id}`);
  return found;
}

/** Every key of `expected` is in `actual` with an equal value, recursively (the scenario-format.md check). */
export function matchesSubset(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, i) => matchesSubset(item, actual[i], `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object`];
  return Object.entries(expected).flatMap(([key, value]) =>
    key in actual ? matchesSubset(value, (actual as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

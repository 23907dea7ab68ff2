/**
 * A deliberately naive model of the queue-rebate rules, for the property
 * test only. Written from queue-rebate.md and scenario-format.md (plus the
 * engine's documented choices where the spec is silent), NOT from the
 * engine's code: plain arrays, full scans, no running counters. Every total
 * is a sum over an append-only list of money movements or over the entries.
 *
 * Time is Asia/Shanghai, which has been UTC+8 all year since 1991, so local
 * time here is plain arithmetic on the instant (no Intl, no date library):
 * an independent check of the engine's time-zone code.
 *
 * A refused operation changes nothing: the model copies its state first and
 * puts it back when the operation is refused (random numbers drawn before a
 * refusal are not given back — the engine never draws and then refuses).
 */

// ---------------------------------------------------------------------------
// Settings, as scenario-format.md's table describes them.

export type Lottery = { fixedBp: number[] } | { minBp: number; maxBp: number };
export type Reset =
  | { kind: 'off' }
  | { kind: 'daily'; at: string }
  | { kind: 'weekly'; weekday: number; at: string }
  | { kind: 'monthly'; day: number; at: string }
  | { kind: 'once'; at: string };

export interface Layer {
  enabled?: boolean;
  extractionBp?: number;
  defaultRatioBp?: number;
  levelRatiosBp?: Record<string, number>;
  tiers?: { days: number; minSpendFen: number; ratioBp: number }[];
  lottery?: Lottery;
  settlement?: 'payment' | 'completion';
  autoCompleteMinutes?: number;
  ordering?: 'queue' | 'completedFirst';
  deductionRule?: 'participates' | 'excluded';
  leftover?: 'undistributed' | 'carry';
  windows?: { from: string; to: string }[];
  limits?: { perMemberPerDay?: number; perMemberTotal?: number };
  randomReturn?: { cashCount: number; pointsCount: number };
  exchange?: { pointsBp?: number; vouchersBp?: number };
  reset?: Reset;
  paused?: boolean;
}
export type LayerChange = { [K in keyof Layer]?: Layer[K] | null };

type RatioRule = 'cashier.level' | 'base.level' | 'cashier.tiers' | 'cashier.lottery' | 'base.lottery' | 'cashier.default' | 'base.default';
type State = 'waiting' | 'completed' | 'exchanged' | 'cleared' | 'cancelled' | 'points';

export interface ModelOrder {
  id: string;
  memberId: string | null;
  amountDueFen: number;
  deductionFen: number;
  actualPaidFen: number;
  paidAt: number;
  settlement: 'payment' | 'completion';
  settledAt: number | null;
  extractedFen: number;
  paidToQueueFen: number;
  completedAt: number | null;
  autoCompleteAt: number | null;
  refundedAt: number | null;
  noEntitlementReason: string | null;
}

export interface ModelEntry {
  orderId: string;
  memberId: string | null;
  joinedAt: number;
  position: number;
  aheadFen: number;
  baseFen: number;
  ratioBp: number;
  rule: RatioRule;
  drawPending: boolean;
  lottery: Lottery | null;
  entitlementFen: number;
  receivedFen: number;
  state: State;
  /** Which place of a random-return group this entry used, and in which configuration "epoch". */
  rrPlace: 'cash' | 'points' | null;
  rrEpoch: number;
}

type MoveKind =
  | 'extraction'
  | 'pool_out'
  | 'payout'
  | 'undistributed'
  | 'pool_in'
  | 'exchange_points'
  | 'exchange_vouchers'
  | 'random_points'
  | 'clearing'
  | 'cancellation';

interface Move {
  kind: MoveKind;
  amountFen: number;
  units: number;
  orderId: string | null;
  entryOrderId: string | null;
}

export type ModelOp =
  | { type: 'checkout'; at: number; id: string; member: string | null; amountFen: number; deductionFen: number; randomReturn?: 'cash' | 'points' }
  | { type: 'complete'; at: number; order: string }
  | { type: 'refund'; at: number; order: string }
  | { type: 'draw'; at: number; order: string; ratioBp?: number }
  | { type: 'exchange'; at: number; order: string; to: 'points' | 'vouchers' }
  | { type: 'settings'; at: number; base?: LayerChange; cashier?: LayerChange; invalid?: boolean }
  | { type: 'tick'; at: number };

export type Outcome = { ok: true; drawnBp?: number; randomReturn?: 'cash' | 'points' } | { ok: false; code: string };

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const OFFSET = 8 * 60 * MINUTE; // Asia/Shanghai, no daylight saving
const ORDER_ID = /^[\w.:#\-/]{1,64}$/;

const floorBp = (amount: number, bp: number) => Math.floor((amount * bp) / 10_000);
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** The local calendar day (days since 1970-01-01 local) an instant falls in. */
const localDayNumber = (at: number) => Math.floor((at + OFFSET) / DAY);
const localMinuteOfDay = (at: number) => Math.floor((((at + OFFSET) % DAY) + DAY) % DAY / MINUTE);
/** The instant local midnight of a local day number happens. */
const dayStart = (day: number) => day * DAY - OFFSET;

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface Effective {
  enabled: boolean;
  extractionBp: number;
  settlement: 'payment' | 'completion';
  autoCompleteMinutes: number | undefined;
  ordering: 'queue' | 'completedFirst';
  deductionRule: 'participates' | 'excluded';
  leftover: 'undistributed' | 'carry';
  windows: { from: string; to: string }[];
  limits: { perMemberPerDay?: number; perMemberTotal?: number };
  randomReturn: { cashCount: number; pointsCount: number } | undefined;
  exchange: { pointsBp?: number; vouchersBp?: number } | undefined;
  reset: Reset;
  paused: boolean;
}

export class NaiveModel {
  base: Layer;
  cashier: Layer;
  orders: ModelOrder[] = [];
  entries: ModelEntry[] = [];
  moves: Move[] = [];
  clock: number | null = null;
  /** Resets fall due strictly after this instant: the last reset, or when the schedule was (re)set. */
  resetAnchor: number;
  rrEpoch = 0;

  constructor(
    base: Layer,
    cashier: Layer,
    createdAt: number,
    private readonly members: Map<string, string>, // id → level
    private readonly randomInt: (maxExclusive: number) => number,
  ) {
    this.base = structuredClone(base);
    this.cashier = structuredClone(cashier);
    this.resetAnchor = createdAt;
  }

  // -------------------------------------------------------------------------
  // Reading the model.

  effective(): Effective {
    const pick = <K extends keyof Layer>(k: K): Layer[K] => (this.cashier[k] !== undefined ? this.cashier[k] : this.base[k]);
    return {
      enabled: pick('enabled') ?? true,
      extractionBp: pick('extractionBp') ?? 0,
      settlement: pick('settlement') ?? 'payment',
      autoCompleteMinutes: pick('autoCompleteMinutes'),
      ordering: pick('ordering') ?? 'queue',
      deductionRule: pick('deductionRule') ?? 'participates',
      leftover: pick('leftover') ?? 'undistributed',
      windows: pick('windows') ?? [],
      limits: pick('limits') ?? {},
      randomReturn: pick('randomReturn'),
      exchange: pick('exchange'),
      reset: pick('reset') ?? { kind: 'off' },
      paused: pick('paused') ?? false,
    };
  }

  private sum(kinds: MoveKind[], field: 'amountFen' | 'units' = 'amountFen'): number {
    return this.moves.filter((m) => kinds.includes(m.kind)).reduce((s, m) => s + m[field], 0);
  }

  poolFen(): number {
    return this.sum(['pool_in']) - this.sum(['pool_out']);
  }

  waiting(): ModelEntry[] {
    return this.entries.filter((e) => e.state === 'waiting');
  }

  totals() {
    return {
      extractedFen: this.sum(['extraction']),
      paidOutFen: this.sum(['payout']),
      undistributedFen: this.sum(['undistributed']),
      poolFen: this.poolFen(),
      owedFen: this.waiting().reduce((s, e) => s + (e.entitlementFen - e.receivedFen), 0),
      forfeitedFen: this.sum(['clearing', 'cancellation']),
      exchangedFen: this.sum(['exchange_points', 'exchange_vouchers']),
      pointsIssued: this.sum(['exchange_points', 'random_points'], 'units'),
      vouchersIssued: this.sum(['exchange_vouchers'], 'units'),
      waitingEntries: this.waiting().length,
    };
  }

  private order(id: string): ModelOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  private entryOf(orderId: string): ModelEntry | undefined {
    return this.entries.find((e) => e.orderId === orderId);
  }

  private move(kind: MoveKind, amountFen: number, refs: { orderId?: string; entryOrderId?: string; units?: number } = {}): void {
    this.moves.push({ kind, amountFen, units: refs.units ?? 0, orderId: refs.orderId ?? null, entryOrderId: refs.entryOrderId ?? null });
  }

  // -------------------------------------------------------------------------
  // Applying an operation.

  apply(op: ModelOp): Outcome {
    const saved = structuredClone({ base: this.base, cashier: this.cashier, orders: this.orders, entries: this.entries, moves: this.moves, clock: this.clock, resetAnchor: this.resetAnchor, rrEpoch: this.rrEpoch });
    try {
      const extra = this.applyUnchecked(op);
      this.clock = this.clock === null ? op.at : Math.max(this.clock, op.at);
      return { ok: true, ...extra };
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      Object.assign(this, saved);
      return { ok: false, code: error.code };
    }
  }

  private checkTime(at: number): void {
    if (this.clock !== null && at < this.clock) throw new Refused('time-backwards');
  }

  private applyUnchecked(op: ModelOp): { drawnBp?: number; randomReturn?: 'cash' | 'points' } {
    switch (op.type) {
      case 'checkout':
        return this.checkout(op);
      case 'complete': {
        this.checkTime(op.at);
        this.applyDue(op.at);
        const order = this.order(op.order);
        if (!order) throw new Refused('unknown-order');
        if (order.refundedAt !== null) throw new Refused('already-refunded');
        if (order.completedAt !== null) throw new Refused('already-completed');
        this.completeOrder(order, op.at);
        return {};
      }
      case 'refund': {
        this.checkTime(op.at);
        this.applyDue(op.at);
        const order = this.order(op.order);
        if (!order) throw new Refused('unknown-order');
        if (order.refundedAt !== null) throw new Refused('already-refunded');
        order.refundedAt = op.at;
        // Before settlement the order never extracts (it can no longer complete);
        // after, a still-waiting entry loses its remaining and nothing is clawed back.
        const entry = this.entryOf(order.id);
        if (entry && entry.state === 'waiting') {
          const remaining = entry.entitlementFen - entry.receivedFen;
          entry.state = 'cancelled';
          this.move('cancellation', remaining, { orderId: order.id, entryOrderId: order.id });
        }
        return {};
      }
      case 'draw':
        return this.draw(op);
      case 'exchange':
        return this.exchange(op);
      case 'settings':
        return this.changeSettings(op);
      case 'tick':
        this.checkTime(op.at);
        this.applyDue(op.at);
        return {};
    }
  }

  private checkout(op: Extract<ModelOp, { type: 'checkout' }>): { randomReturn?: 'cash' | 'points' } {
    // A payment is 1 fen to 10,000,000.00 yuan; a deduction can't exceed the amount due.
    if (!ORDER_ID.test(op.id)) throw new Refused('invalid-input');
    if (!Number.isInteger(op.amountFen) || op.amountFen < 1 || op.amountFen > 1_000_000_000) throw new Refused('invalid-input');
    if (!Number.isInteger(op.deductionFen) || op.deductionFen < 0 || op.deductionFen > op.amountFen) throw new Refused('invalid-input');
    this.checkTime(op.at);
    this.applyDue(op.at);
    if (this.order(op.id)) throw new Refused('duplicate-order');
    if (op.member !== null && !this.members.has(op.member)) throw new Refused('unknown-member');

    const s = this.effective();
    const actualPaid = op.amountFen - op.deductionFen;
    const decision = this.decide(s, op.member, op.at, actualPaid, op.deductionFen);
    const order: ModelOrder = {
      id: op.id,
      memberId: op.member,
      amountDueFen: op.amountFen,
      deductionFen: op.deductionFen,
      actualPaidFen: actualPaid,
      paidAt: op.at,
      settlement: s.settlement,
      settledAt: null,
      extractedFen: 0,
      paidToQueueFen: 0,
      // autoCompleteMinutes 0 = completed at payment.
      completedAt: s.autoCompleteMinutes === 0 ? op.at : null,
      autoCompleteAt: s.autoCompleteMinutes === undefined ? null : op.at + s.autoCompleteMinutes * MINUTE,
      refundedAt: null,
      noEntitlementReason: 'reason' in decision ? decision.reason : null,
    };
    this.orders.push(order);
    // "On payment" settles now; so does an order completed at payment. It pays
    // the line before its own entry joins: an order never pays its own entry.
    if (order.settlement === 'payment' || order.completedAt !== null) this.settle(order, op.at);
    if ('reason' in decision) return {};
    return { randomReturn: this.join(order, decision, op.randomReturn) };
  }

  /** §4.1 + §5 + §6: whether the order earns, and at which ratio. */
  private decide(s: Effective, memberId: string | null, at: number, actualPaid: number, deduction: number):
    | { reason: string }
    | { ratioBp: number; rule: RatioRule; lottery: Lottery | null; entitlementFen: number } {
    if (!s.enabled) return { reason: 'disabled' };
    if (memberId === null) return { reason: 'walk-in' };
    if (s.deductionRule === 'excluded' && deduction > 0) return { reason: 'deduction-excluded' };
    if (s.windows.length > 0) {
      const minute = localMinuteOfDay(at);
      const inside = s.windows.some((w) => {
        const from = minutesOf(w.from);
        const to = minutesOf(w.to);
        return from < to ? minute >= from && minute < to : minute >= from || minute < to;
      });
      if (!inside) return { reason: 'outside-window' };
    }
    // Limits count the member's entitlements not cancelled by a refund.
    const counted = this.entries.filter((e) => e.memberId === memberId && e.state !== 'cancelled');
    if (s.limits.perMemberPerDay !== undefined) {
      const today = localDayNumber(at);
      if (counted.filter((e) => localDayNumber(e.joinedAt) === today).length >= s.limits.perMemberPerDay) return { reason: 'daily-limit' };
    }
    if (s.limits.perMemberTotal !== undefined && counted.length >= s.limits.perMemberTotal) return { reason: 'total-limit' };

    const level = this.members.get(memberId)!;
    const defaultRatio = this.cashier.defaultRatioBp !== undefined
      ? { ratioBp: this.cashier.defaultRatioBp, rule: 'cashier.default' as const }
      : { ratioBp: this.base.defaultRatioBp ?? 10_000, rule: 'base.default' as const };
    let chosen: { ratioBp: number; rule: RatioRule; lottery: Lottery | null };
    const cashierLevel = this.cashier.levelRatiosBp?.[level];
    const baseLevel = this.base.levelRatiosBp?.[level];
    // Tiers: settled, unrefunded orders of the member paid in (at − days, at).
    const tierRatios = (this.cashier.tiers ?? [])
      .filter((t) => {
        const spend = this.orders
          .filter((o) => o.memberId === memberId && o.settledAt !== null && o.refundedAt === null && o.paidAt > at - t.days * DAY && o.paidAt < at)
          .reduce((sum, o) => sum + o.actualPaidFen, 0);
        return spend >= t.minSpendFen;
      })
      .map((t) => t.ratioBp);
    if (cashierLevel !== undefined) chosen = { ratioBp: cashierLevel, rule: 'cashier.level', lottery: null };
    else if (baseLevel !== undefined) chosen = { ratioBp: baseLevel, rule: 'base.level', lottery: null };
    else if (tierRatios.length > 0) chosen = { ratioBp: Math.max(...tierRatios), rule: 'cashier.tiers', lottery: null };
    else if (this.cashier.lottery) chosen = { ratioBp: defaultRatio.ratioBp, rule: 'cashier.lottery', lottery: this.cashier.lottery };
    else if (this.base.lottery) chosen = { ratioBp: defaultRatio.ratioBp, rule: 'base.lottery', lottery: this.base.lottery };
    else chosen = { ...defaultRatio, lottery: null };

    const entitlementFen = floorBp(actualPaid, chosen.ratioBp);
    // An order that can never be owed anything does not queue (a lottery might still give it something).
    const best = chosen.lottery ? ('fixedBp' in chosen.lottery ? Math.max(...chosen.lottery.fixedBp) : chosen.lottery.maxBp) : 0;
    if (entitlementFen === 0 && floorBp(actualPaid, best) === 0) return { reason: 'zero-entitlement' };
    return { ...chosen, entitlementFen };
  }

  /** Random return: which place of the current group this earning order takes. */
  private randomReturn(pinned: 'cash' | 'points' | undefined): { outcome: 'cash' | 'points'; place: 'cash' | 'points' | null } {
    const config = this.effective().randomReturn;
    if (!config) return { outcome: 'cash', place: null };
    const size = config.cashCount + config.pointsCount;
    const places = this.entries.filter((e) => e.rrEpoch === this.rrEpoch && e.rrPlace !== null).map((e) => e.rrPlace);
    const group = places.slice(places.length - (places.length % size));
    const pointsLeft = config.pointsCount - group.filter((p) => p === 'points').length;
    const cashLeft = config.cashCount - group.filter((p) => p === 'cash').length;
    const outcome = pinned ?? (this.randomInt(pointsLeft + cashLeft) < pointsLeft ? 'points' : 'cash');
    // A pinned outcome takes a place of its own kind while one is left, else one of the other kind.
    const place = outcome === 'points' ? (pointsLeft > 0 ? 'points' : 'cash') : cashLeft > 0 ? 'cash' : 'points';
    return { outcome, place };
  }

  private join(order: ModelOrder, d: { ratioBp: number; rule: RatioRule; lottery: Lottery | null; entitlementFen: number }, pinned: 'cash' | 'points' | undefined): 'cash' | 'points' {
    const { outcome, place } = this.randomReturn(pinned);
    const waiting = this.waiting();
    const entry: ModelEntry = {
      orderId: order.id,
      memberId: order.memberId,
      joinedAt: order.paidAt,
      position: waiting.length + 1,
      aheadFen: waiting.reduce((s, e) => s + e.entitlementFen - e.receivedFen, 0),
      baseFen: order.actualPaidFen,
      ratioBp: d.ratioBp,
      rule: d.rule,
      drawPending: d.lottery !== null && outcome === 'cash',
      lottery: outcome === 'cash' ? d.lottery : null,
      entitlementFen: d.entitlementFen,
      receivedFen: 0,
      state: 'waiting',
      rrPlace: place,
      rrEpoch: this.rrEpoch,
    };
    this.entries.push(entry);
    if (outcome === 'points') {
      // Converted at once at the exchange points rate (10000 bp when none is set); never queued.
      entry.state = 'points';
      const units = floorBp(entry.entitlementFen, this.effective().exchange?.pointsBp ?? 10_000);
      this.move('random_points', entry.entitlementFen, { orderId: order.id, entryOrderId: order.id, units });
    }
    return outcome;
  }

  /** §4.2–4.3: extraction and strict first-come distribution. */
  private settle(order: ModelOrder, at: number): void {
    const s = this.effective();
    order.settledAt = at;
    if (!s.enabled) return; // disabled: extracts nothing
    const extracted = floorBp(order.actualPaidFen, s.extractionBp);
    order.extractedFen = extracted;
    if (extracted > 0) this.move('extraction', extracted, { orderId: order.id });
    let left = extracted;
    if (!s.paused) {
      const pool = this.poolFen();
      if (pool > 0) {
        this.move('pool_out', pool, { orderId: order.id });
        left += pool;
      }
      for (const entry of this.entries) {
        if (left === 0) break;
        if (entry.state !== 'waiting' || entry.orderId === order.id) continue;
        if (entry.receivedFen >= entry.entitlementFen) continue;
        if (s.ordering === 'completedFirst' && this.order(entry.orderId)!.completedAt === null) continue;
        const pay = Math.min(left, entry.entitlementFen - entry.receivedFen);
        entry.receivedFen += pay;
        left -= pay;
        order.paidToQueueFen += pay;
        this.move('payout', pay, { orderId: order.id, entryOrderId: entry.orderId });
        if (entry.receivedFen === entry.entitlementFen) entry.state = 'completed';
      }
    }
    if (left > 0) this.move(s.leftover === 'carry' ? 'pool_in' : 'undistributed', left, { orderId: order.id });
  }

  private completeOrder(order: ModelOrder, at: number): void {
    order.completedAt = at;
    if (order.settledAt === null) this.settle(order, at);
  }

  private draw(op: Extract<ModelOp, { type: 'draw' }>): { drawnBp: number } {
    this.checkTime(op.at);
    this.applyDue(op.at);
    if (!this.order(op.order)) throw new Refused('unknown-order');
    const entry = this.entryOf(op.order);
    if (!entry) throw new Refused('no-entry');
    // One draw, while waiting and before any payout.
    if (!entry.drawPending || entry.state !== 'waiting' || entry.receivedFen !== 0 || entry.lottery === null) throw new Refused('not-drawable');
    const lottery = entry.lottery;
    let drawn: number;
    if (op.ratioBp !== undefined) {
      const allowed = 'fixedBp' in lottery ? lottery.fixedBp.includes(op.ratioBp) : op.ratioBp >= lottery.minBp && op.ratioBp <= lottery.maxBp;
      if (!allowed || !Number.isInteger(op.ratioBp)) throw new Refused('draw-not-allowed');
      drawn = op.ratioBp;
    } else if ('fixedBp' in lottery) {
      drawn = lottery.fixedBp[this.randomInt(lottery.fixedBp.length)]!;
    } else {
      drawn = lottery.minBp + this.randomInt(lottery.maxBp - lottery.minBp + 1);
    }
    entry.ratioBp = drawn;
    entry.entitlementFen = floorBp(entry.baseFen, drawn);
    entry.drawPending = false;
    if (entry.entitlementFen === 0) entry.state = 'completed';
    return { drawnBp: drawn };
  }

  private exchange(op: Extract<ModelOp, { type: 'exchange' }>): Record<string, never> {
    this.checkTime(op.at);
    this.applyDue(op.at);
    if (!this.order(op.order)) throw new Refused('unknown-order');
    const entry = this.entryOf(op.order);
    if (!entry) throw new Refused('no-entry');
    if (entry.state !== 'waiting') throw new Refused('not-exchangeable');
    const remaining = entry.entitlementFen - entry.receivedFen;
    if (remaining === 0) throw new Refused('not-exchangeable');
    const exchange = this.effective().exchange;
    const rate = op.to === 'points' ? exchange?.pointsBp : exchange?.vouchersBp;
    if (rate === undefined) throw new Refused('exchange-not-configured');
    entry.state = 'exchanged';
    this.move(op.to === 'points' ? 'exchange_points' : 'exchange_vouchers', remaining, { entryOrderId: entry.orderId, units: floorBp(remaining, rate) });
    return {};
  }

  private changeSettings(op: Extract<ModelOp, { type: 'settings' }>): Record<string, never> {
    if (op.invalid) throw new Refused('invalid-input');
    this.checkTime(op.at);
    this.applyDue(op.at);
    const before = this.effective();
    for (const [layer, change] of [['base', op.base], ['cashier', op.cashier]] as const) {
      if (!change) continue;
      const target = layer === 'base' ? this.base : this.cashier;
      for (const [key, value] of Object.entries(change)) {
        if (value === null) delete (target as Record<string, unknown>)[key];
        else if (value !== undefined) (target as Record<string, unknown>)[key] = structuredClone(value);
      }
    }
    const after = this.effective();
    // A new schedule counts from now; a new random-return configuration starts a new group.
    if (!sameValue(before.reset, after.reset)) this.resetAnchor = op.at;
    if (!sameValue(before.randomReturn, after.randomReturn)) this.rrEpoch += 1;
    return {};
  }

  // -------------------------------------------------------------------------
  // What falls due by itself: automatic completions and scheduled resets.

  /** The latest instant at or before `limit` at which the schedule resets. */
  latestReset(schedule: Reset, limit: number): number | null {
    if (schedule.kind === 'off') return null;
    if (schedule.kind === 'once') {
      const at = Date.parse(schedule.at);
      return at <= limit ? at : null;
    }
    const minute = minutesOf(schedule.at);
    for (let day = localDayNumber(limit); day >= localDayNumber(limit) - 62; day--) {
      const weekday = ((day + 3) % 7) + 1; // 1970-01-01 was a Thursday (4)
      const dayOfMonth = new Date(day * DAY).getUTCDate();
      if (schedule.kind === 'weekly' && weekday !== schedule.weekday) continue;
      if (schedule.kind === 'monthly' && dayOfMonth !== schedule.day) continue;
      const at = dayStart(day) + minute * MINUTE;
      if (at <= limit) return at;
    }
    return null;
  }

  private applyDue(now: number): void {
    for (;;) {
      const due = this.orders
        .filter((o) => o.autoCompleteAt !== null && o.completedAt === null && o.refundedAt === null && o.autoCompleteAt <= now)
        .sort((a, b) => a.autoCompleteAt! - b.autoCompleteAt! || a.paidAt - b.paidAt)[0];
      // A completion and a reset at the same instant: the completion first.
      const limit = due ? Math.min(now, due.autoCompleteAt! - 1) : now;
      const resetAt = this.latestReset(this.effective().reset, limit);
      if (resetAt !== null && resetAt > this.resetAnchor) {
        // Missed resets are applied once: only the latest one that fell due.
        for (const entry of this.waiting()) {
          entry.state = 'cleared';
          this.move('clearing', entry.entitlementFen - entry.receivedFen, { entryOrderId: entry.orderId });
        }
        this.resetAnchor = resetAt;
        continue;
      }
      if (!due) return;
      this.completeOrder(due, due.autoCompleteAt!);
    }
  }
}

/**
 * One sale at the counter. Amount fields are kept as the text the cashier
 * typed; every figure the screen or the backend uses is integer fen parsed
 * from that text by parseYuan (see money-input.ts). No floats anywhere.
 */
import { defineStore } from 'pinia';
import type { CheckoutOutcome, MemberView, TenderKind } from '../../shared/contract';
import type { Fen } from '../../shared/money';
import { call, CommandFailure, errorMessage } from '../api';
import { applyKeypad, parseAmountText } from '../money-input';

export interface TenderLine {
  kind: TenderKind;
  /** Typed yuan text; empty on the last line = "the rest". */
  text: string;
}

export type Field = 'amount' | 'points' | 'love' | 'member' | `tender:${number}`;

/** A problem with the form, as an i18n key and its parameters. */
export interface FormProblem {
  key: string;
  params?: Record<string, string | number>;
  /** The i18n key of the field (for amount-format problems). */
  field?: string;
}

export interface CheckoutFigures {
  amountDueFen: Fen | null;
  pointsFen: Fen;
  loveFen: Fen;
  actualPaidFen: Fen | null;
  tenders: { kind: TenderKind; amountFen: Fen }[];
  totalTenderedFen: Fen;
  changeFen: Fen;
  remainingFen: Fen;
  problem: FormProblem | null;
}

type MemberState = 'none' | 'looking' | 'found' | 'unknown';

const fenOf = (n: number) => n as Fen;

export function computeFigures(amountText: string, pointsText: string, loveText: string, lines: TenderLine[]): CheckoutFigures {
  const empty: CheckoutFigures = {
    amountDueFen: null,
    pointsFen: fenOf(0),
    loveFen: fenOf(0),
    actualPaidFen: null,
    tenders: [],
    totalTenderedFen: fenOf(0),
    changeFen: fenOf(0),
    remainingFen: fenOf(0),
    problem: null,
  };
  const parse = (text: string, field: string): { fen: Fen | null; problem: FormProblem | null } => {
    const parsed = parseAmountText(text);
    if (parsed.ok) return { fen: parsed.fen, problem: null };
    return { fen: null, problem: { key: parsed.reason === 'format' ? 'checkout.errors.amountFormat' : 'checkout.errors.amountTooLarge', field } };
  };
  const due = parse(amountText, 'checkout.amountDue');
  if (due.problem) return { ...empty, problem: due.problem };
  if (due.fen === null) return { ...empty, problem: { key: 'checkout.errors.amountRequired' } };
  if (due.fen < 1) return { ...empty, problem: { key: 'checkout.errors.amountZero' } };
  const amountDueFen = due.fen;
  const points = parse(pointsText, 'checkout.points');
  if (points.problem) return { ...empty, amountDueFen, problem: points.problem };
  const love = parse(loveText, 'checkout.love');
  if (love.problem) return { ...empty, amountDueFen, problem: love.problem };
  const pointsFen = points.fen ?? fenOf(0);
  const loveFen = love.fen ?? fenOf(0);
  const base = { ...empty, amountDueFen, pointsFen, loveFen };
  if (pointsFen + loveFen > amountDueFen) return { ...base, problem: { key: 'checkout.errors.deductionsTooLarge' } };
  const actualPaidFen = fenOf(amountDueFen - pointsFen - loveFen);
  const withPaid = { ...base, actualPaidFen, remainingFen: actualPaidFen };
  if (actualPaidFen === 0) return { ...withPaid, problem: { key: 'checkout.errors.nothingToPay' } };

  // Typed tender amounts; the last line may be left empty to take the rest.
  const typed: { kind: TenderKind; amountFen: Fen | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const parsed = parse(line.text, `tender.${line.kind}`);
    if (parsed.problem) return { ...withPaid, problem: parsed.problem };
    if (parsed.fen === 0 || (parsed.fen === null && i < lines.length - 1)) return { ...withPaid, problem: { key: 'checkout.errors.tenderZero' } };
    typed.push({ kind: line.kind, amountFen: parsed.fen });
  }
  const typedSum = typed.reduce((sum, t) => sum + (t.amountFen ?? 0), 0);
  const tenders = typed.flatMap((t) => {
    if (t.amountFen !== null) return [{ kind: t.kind, amountFen: t.amountFen }];
    const rest = actualPaidFen - typedSum;
    return rest > 0 ? [{ kind: t.kind, amountFen: fenOf(rest) }] : [];
  });
  const total = fenOf(tenders.reduce((sum, t) => sum + t.amountFen, 0));
  const figures = { ...withPaid, tenders, totalTenderedFen: total };
  if (total < actualPaidFen) {
    const short = fenOf(actualPaidFen - total);
    return { ...figures, remainingFen: short, problem: { key: 'checkout.errors.tendersShort', params: { amountFen: short } } };
  }
  const nonCash = tenders.filter((t) => t.kind !== 'cash').reduce((sum, t) => sum + t.amountFen, 0);
  if (nonCash > actualPaidFen) {
    return { ...figures, remainingFen: fenOf(0), problem: { key: 'checkout.errors.changeWithoutCash', params: { amountFen: nonCash - actualPaidFen } } };
  }
  if (tenders.length === 0) return { ...figures, problem: { key: 'checkout.errors.tenderZero' } };
  return { ...figures, remainingFen: fenOf(0), changeFen: fenOf(total - actualPaidFen) };
}

export const useCheckoutStore = defineStore('checkout', {
  state: () => ({
    amountText: '',
    pointsText: '',
    loveText: '',
    lines: [{ kind: 'cash', text: '' }] as TenderLine[],
    /** Which tender line the F7–F11 kind keys change. */
    activeLine: 0,
    /** Which field the on-screen keypad types into. */
    activeField: 'amount' as Field,
    memberQuery: '',
    member: null as MemberView | null,
    memberState: 'none' as MemberState,
    unknownQuery: '',
    /** Shown under the form after a refused payment. */
    problem: null as FormProblem | null,
    serverError: null as string | null,
    busy: false,
    result: null as CheckoutOutcome | null,
    /** performance.now() of the Enter that paid (for the e2e timing). */
    enterAt: 0,
  }),
  getters: {
    figures: (s): CheckoutFigures => computeFigures(s.amountText, s.pointsText, s.loveText, s.lines),
  },
  actions: {
    setField(field: Field, text: string) {
      if (field === 'amount') this.amountText = text;
      else if (field === 'points') this.pointsText = text;
      else if (field === 'love') this.loveText = text;
      else if (field === 'member') this.memberQuery = text;
      else {
        const line = this.lines[Number(field.slice('tender:'.length))];
        if (line) line.text = text;
      }
      this.problem = null;
      this.serverError = null;
    },
    fieldText(field: Field): string {
      if (field === 'amount') return this.amountText;
      if (field === 'points') return this.pointsText;
      if (field === 'love') return this.loveText;
      if (field === 'member') return this.memberQuery;
      return this.lines[Number(field.slice('tender:'.length))]?.text ?? '';
    },
    keypad(key: string) {
      const field = this.activeField;
      if (field === 'member') {
        this.setField(field, key === 'C' ? '' : key === '⌫' ? this.memberQuery.slice(0, -1) : this.memberQuery + key);
        return;
      }
      this.setField(field, applyKeypad(this.fieldText(field), key));
    },
    setTenderKind(kind: TenderKind) {
      const line = this.lines[this.activeLine] ?? this.lines[this.lines.length - 1];
      if (line) line.kind = kind;
      this.problem = null;
    },
    /** Split tender: a new line takes the rest; the current line keeps its typed amount. */
    addSplit(kind: TenderKind = 'wechat') {
      if (this.lines.length >= 8) return;
      this.lines.push({ kind, text: '' });
      this.activeLine = this.lines.length - 1;
      this.problem = null;
    },
    removeLine(index: number) {
      if (this.lines.length <= 1) return;
      this.lines.splice(index, 1);
      this.activeLine = Math.min(this.activeLine, this.lines.length - 1);
    },
    clearMember() {
      this.member = null;
      this.memberQuery = '';
      this.memberState = 'none';
      this.unknownQuery = '';
    },
    async lookupMember(query?: string): Promise<MemberView | null> {
      const q = (query ?? this.memberQuery).trim();
      if (!q) {
        this.clearMember();
        return null;
      }
      this.memberQuery = q;
      this.memberState = 'looking';
      this.serverError = null;
      try {
        const member = await call('members.lookup', { query: q });
        this.member = member;
        this.memberState = member ? 'found' : 'unknown';
        this.unknownQuery = member ? '' : q;
        return member;
      } catch (error) {
        this.memberState = 'none';
        this.serverError = errorMessage(error);
        return null;
      }
    },
    /**
     * 「登记新会员」: enrols the phone and makes the new member this sale's
     * member. A phone that is a member already (enrolled meanwhile) is looked
     * up instead. Returns the member, or throws the CommandFailure.
     */
    async enrolMember(input: { phone: string; nickname?: string }): Promise<MemberView> {
      try {
        const member = await call('members.enrol', input);
        this.member = member;
        this.memberState = 'found';
        this.memberQuery = member.maskedPhone ?? member.id;
        this.unknownQuery = '';
        return member;
      } catch (error) {
        if (error instanceof CommandFailure && error.code === 'rule' && error.error.rule === 'member-exists') {
          const found = await this.lookupMember(input.phone);
          if (found) return found;
        }
        throw error;
      }
    },
    /** Enter: checks the form, resolves the member, pays. Returns the outcome or null. */
    async pay(enterAt = performance.now()) {
      if (this.busy || this.result) return null;
      this.enterAt = enterAt;
      const typedMember = this.memberQuery.trim();
      if (typedMember && this.memberState === 'none') {
        const member = await this.lookupMember(typedMember);
        if (!member) return null; // told; the next Enter continues as a walk-in
      }
      const figures = this.figures;
      if (figures.problem) {
        this.problem = figures.problem;
        return null;
      }
      this.busy = true;
      this.problem = null;
      this.serverError = null;
      try {
        const outcome = await call('checkout.submit', {
          amountDueFen: figures.amountDueFen!,
          memberId: this.memberState === 'found' && this.member ? this.member.id : null,
          pointsDeductionFen: figures.pointsFen,
          loveDeductionFen: figures.loveFen,
          tenders: figures.tenders,
        });
        this.result = outcome;
        return outcome;
      } catch (error) {
        if (error instanceof CommandFailure && error.code === 'unknown-member') {
          // The register does not know the member (any more): tell, and let Enter continue as a walk-in.
          this.unknownQuery = this.memberQuery || this.member?.id || '';
          this.member = null;
          this.memberState = 'unknown';
          return null;
        }
        this.serverError = errorMessage(error);
        return null;
      } finally {
        this.busy = false;
      }
    },
    newSale() {
      this.$reset();
    },
  },
});

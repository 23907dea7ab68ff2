/**
 * One sale at the counter. Amount fields are kept as the text the cashier
 * typed; every figure the screen or the backend uses is integer fen parsed
 * from that text by parseYuan (see money-input.ts). No floats anywhere.
 */
import { defineStore } from 'pinia';
import type { CheckoutOutcome, MemberView, TenderKind } from '../../shared/contract';
import { classifyScan, type ScanKind } from '../../shared/scan';
import { call, CommandFailure, errorMessage } from '../api';
import {
  computeFigures,
  fenToText,
  needsLargeChangeCheck,
  quickAmountFen,
  type CheckoutFigures,
  type Field,
  type FormProblem,
  type QuickAmount,
  type TenderLine,
} from '../checkout-figures';
import { applyKeypad, parseAmountText } from '../money-input';
import { useUiStore } from './ui';

export { computeFigures, type CheckoutFigures, type Field, type FormProblem, type TenderLine } from '../checkout-figures';

type MemberState = 'none' | 'looking' | 'found' | 'unknown';

/** A scan (or a typed code) that is not a member: told on the checkout, never looked up. */
export type ScanNotice =
  | { kind: 'pay-code'; wallet: 'wechat' | 'alipay' | 'unionpay' }
  | { kind: 'foreign-receipt' }
  | { kind: 'other'; code: string };

/** The question open over the checkout (a ConfirmDialog): large change, or throwing the sale away. */
export type CheckoutQuestion = 'large-change' | 'discard' | null;

/** A signature of what would be paid, so "asked once" is forgotten when anything changes. */
function paySignature(f: CheckoutFigures): string {
  return `${f.amountDueFen}|${f.pointsFen}|${f.loveFen}|${f.tenders.map((t) => `${t.kind}:${t.amountFen}`).join(',')}`;
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
    /** A pay code / foreign receipt / unknown code that was scanned (or typed) on this sale. */
    scanNotice: null as ScanNotice | null,
    question: null as CheckoutQuestion,
    /** The sale (paySignature) whose large change the cashier already confirmed. */
    largeChangeConfirmed: '',
    /** This register's queue (receipt QRs of other queues are told apart). */
    queueId: '',
  }),
  getters: {
    figures: (s): CheckoutFigures => computeFigures(s.amountText, s.pointsText, s.loveText, s.lines),
    /** Anything typed or found that Esc would throw away. */
    hasWork: (s): boolean =>
      Boolean(s.amountText.trim() || s.pointsText.trim() || s.loveText.trim() || s.memberQuery.trim() || s.member || s.lines.some((l) => l.text.trim())),
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
      // Picking the tender is what the pay-code notice asked for: it has been read.
      this.scanNotice = null;
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
      // Classify before looking up: a pay code or a receipt is never a member (issue 10 §4).
      const scan = classifyScan(q, this.queueId);
      if (this.noticeFor(scan, q)) {
        this.memberQuery = '';
        this.memberState = 'none';
        return null;
      }
      this.scanNotice = null;
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
      if (needsLargeChangeCheck(figures) && this.largeChangeConfirmed !== paySignature(figures)) {
        this.question = 'large-change';
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
          tenders: figures.actualPaidFen === 0 ? [] : figures.tenders,
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
      const queueId = this.queueId;
      this.$reset();
      this.queueId = queueId;
    },
    /** Sets the notice for a code that must not be looked up as a member; true when it did. */
    noticeFor(scan: ScanKind, code: string): boolean {
      if (scan.kind === 'receipt-qr' || scan.kind === 'receipt-code') {
        // A receipt typed or scanned into the member field: open that order, as a scan would.
        useUiStore().openOrder(scan.kind === 'receipt-qr' ? scan.orderId : scan.code);
      } else if (scan.kind === 'pay-code') this.scanNotice = { kind: 'pay-code', wallet: scan.wallet };
      else if (scan.kind === 'foreign-receipt') this.scanNotice = { kind: 'foreign-receipt' };
      else if (scan.kind === 'other') this.scanNotice = { kind: 'other', code: code.slice(0, 40) };
      else return false;
      return true;
    },
    /** The tender line the received keys work on: the one being edited, else the last (it takes the rest). */
    receivedLine(): number {
      return this.activeField.startsWith('tender:') ? Number(this.activeField.slice('tender:'.length)) : this.lines.length - 1;
    },
    /** What line `index` still has to cover: actual paid less what the other lines typed. */
    owedFor(index: number): number {
      const paid = this.figures.actualPaidFen;
      if (paid === null) return 0;
      let others = 0;
      this.lines.forEach((l, i) => {
        const parsed = parseAmountText(l.text);
        if (i !== index && parsed.ok && parsed.fen !== null) others += parsed.fen;
      });
      return Math.max(0, paid - others);
    },
    dismissNotice() {
      this.scanNotice = null;
    },
    /** The cashier confirmed the large change: pay (asked once per sale as it stands). */
    confirmLargeChange() {
      this.largeChangeConfirmed = paySignature(this.figures);
      this.question = null;
    },
    /**
     * A quick key on the received field: the line takes what it still has to
     * cover exactly, or that rounded up to the next ¥10 / ¥50 / ¥100 note.
     * Returns the line's index.
     */
    quickReceived(quick: QuickAmount): number {
      const index = this.receivedLine();
      if (!this.lines[index]) return index;
      const amount = quickAmountFen(this.owedFor(index), quick);
      if (amount > 0) this.setField(`tender:${index}`, fenToText(amount));
      this.activeLine = index;
      return index;
    },
  },
});

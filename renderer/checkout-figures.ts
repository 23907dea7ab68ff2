/**
 * The checkout's figures from the text the cashier typed: integer fen parsed
 * by parseYuan (money-input.ts), never a float. Pure functions, so the
 * component tests and the store share them.
 */
import type { TenderKind } from '../shared/contract';
import type { Fen } from '../shared/money';
import { parseAmountText } from './money-input';

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
  /** The i18n key of the field (for amount-format problems, and the tender line that is empty). */
  field?: string;
  /** The field to put the cursor in when Enter is refused for this problem. */
  focus?: Field;
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
  /** What the last tender line takes when it is left empty (null: it is typed, or nothing is left). */
  lastLineTakesFen: Fen | null;
  problem: FormProblem | null;
}

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
    lastLineTakesFen: null,
    problem: null,
  };
  const parse = (text: string, field: string, focus: Field): { fen: Fen | null; problem: FormProblem | null } => {
    const parsed = parseAmountText(text);
    if (parsed.ok) return { fen: parsed.fen, problem: null };
    return { fen: null, problem: { key: parsed.reason === 'format' ? 'checkout.errors.amountFormat' : 'checkout.errors.amountTooLarge', field, focus } };
  };
  const due = parse(amountText, 'checkout.amountDue', 'amount');
  if (due.problem) return { ...empty, problem: due.problem };
  if (due.fen === null) return { ...empty, problem: { key: 'checkout.errors.amountRequired', focus: 'amount' } };
  if (due.fen < 1) return { ...empty, problem: { key: 'checkout.errors.amountZero', focus: 'amount' } };
  const amountDueFen = due.fen;
  const points = parse(pointsText, 'checkout.points', 'points');
  if (points.problem) return { ...empty, amountDueFen, problem: points.problem };
  const love = parse(loveText, 'checkout.love', 'love');
  if (love.problem) return { ...empty, amountDueFen, problem: love.problem };
  const pointsFen = points.fen ?? fenOf(0);
  const loveFen = love.fen ?? fenOf(0);
  const base = { ...empty, amountDueFen, pointsFen, loveFen };
  if (pointsFen + loveFen > amountDueFen) {
    const over = fenOf(pointsFen + loveFen - amountDueFen);
    return { ...base, problem: { key: 'counterFlow.deductionOver', params: { amountFen: over }, focus: loveFen > 0 ? 'love' : 'points' } };
  }
  const actualPaidFen = fenOf(amountDueFen - pointsFen - loveFen);
  const withPaid = { ...base, actualPaidFen, remainingFen: actualPaidFen };
  // Paid wholly by points / love value: nothing to collect, no tender (docs/app.md).
  if (actualPaidFen === 0) return withPaid;

  // Typed tender amounts; the last line may be left empty to take the rest.
  const typed: { kind: TenderKind; amountFen: Fen | null }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const parsed = parse(line.text, `tender.${line.kind}`, `tender:${i}`);
    if (parsed.problem) return { ...withPaid, problem: parsed.problem };
    if (parsed.fen === 0) return { ...withPaid, problem: { key: 'checkout.errors.tenderZero', focus: `tender:${i}` } };
    if (parsed.fen === null && i < lines.length - 1) {
      return { ...withPaid, problem: { key: 'counterFlow.emptyLine', params: { n: i + 1 }, field: `tender.${line.kind}`, focus: `tender:${i}` } };
    }
    typed.push({ kind: line.kind, amountFen: parsed.fen });
  }
  const typedSum = typed.reduce((sum, t) => sum + (t.amountFen ?? 0), 0);
  const lastEmpty = typed.length > 0 && typed[typed.length - 1]!.amountFen === null;
  const rest = actualPaidFen - typedSum;
  const lastLineTakesFen = lastEmpty && rest > 0 ? fenOf(rest) : null;
  const tenders = typed.flatMap((t) => {
    if (t.amountFen !== null) return [{ kind: t.kind, amountFen: t.amountFen }];
    return rest > 0 ? [{ kind: t.kind, amountFen: fenOf(rest) }] : [];
  });
  const total = fenOf(tenders.reduce((sum, t) => sum + t.amountFen, 0));
  const figures = { ...withPaid, tenders, totalTenderedFen: total, lastLineTakesFen };
  if (total < actualPaidFen) {
    const short = fenOf(actualPaidFen - total);
    return { ...figures, remainingFen: short, problem: { key: 'checkout.errors.tendersShort', params: { amountFen: short }, focus: `tender:${lines.length - 1}` } };
  }
  const nonCash = tenders.filter((t) => t.kind !== 'cash').reduce((sum, t) => sum + t.amountFen, 0);
  if (nonCash > actualPaidFen) {
    return { ...figures, remainingFen: fenOf(0), problem: { key: 'checkout.errors.changeWithoutCash', params: { amountFen: nonCash - actualPaidFen } } };
  }
  if (tenders.length === 0) return { ...figures, problem: { key: 'checkout.errors.tenderZero', focus: `tender:${lines.length - 1}` } };
  return { ...figures, remainingFen: fenOf(0), changeFen: fenOf(total - actualPaidFen) };
}

/** Change from ¥100 up, or received ≥ 10× what is due, is asked about once before paying (1000 typed for 100). */
export const LARGE_CHANGE_FEN = 10_000;
export const LARGE_RECEIVED_FACTOR = 10;

export function needsLargeChangeCheck(f: CheckoutFigures): boolean {
  if (f.problem || f.actualPaidFen === null || f.actualPaidFen === 0) return false;
  return f.changeFen >= LARGE_CHANGE_FEN || f.totalTenderedFen >= LARGE_RECEIVED_FACTOR * f.actualPaidFen;
}

/** The quick amounts for the received field: exact, then the next ¥10, ¥50 and ¥100 notes. */
export type QuickAmount = 'exact' | 10 | 50 | 100;
export const QUICK_AMOUNTS: readonly QuickAmount[] = ['exact', 10, 50, 100];

/** What a quick key puts in a line that has `owedFen` left to take: exact, or rounded up to the next note. */
export function quickAmountFen(owedFen: number, quick: QuickAmount): Fen {
  if (owedFen <= 0) return fenOf(0);
  if (quick === 'exact') return fenOf(owedFen);
  const note = quick * 100;
  return fenOf(Math.ceil(owedFen / note) * note);
}

/** Fen as the text of an amount field ("40", "37.5", "0.05"): integer arithmetic only. */
export function fenToText(amount: number): string {
  const yuanPart = Math.floor(amount / 100);
  const cents = amount % 100;
  if (cents === 0) return String(yuanPart);
  return `${yuanPart}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

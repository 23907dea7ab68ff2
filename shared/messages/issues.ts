/**
 * A zod validation issue as a catalogue message, so "copies must be 1–5" or
 * "Too big: expected number to be <=100000" reach a Chinese screen as
 * 打印份数为 1–5 / 不能大于 1000%.
 *
 * Structured zod issues (too big, too small, wrong type, unknown key…) are
 * mapped by their code and limits; a limit on a field whose name ends in
 * `Fen` is money, in `Bp` a ratio. The schemas' own sentences (refinements,
 * regexes) are recognised by the fixed start of their text below; an
 * unrecognised one becomes `input.invalid`, never English on screen.
 */
import { msg, type Message, type MessageCode } from './catalogue';

/** The parts of a zod (v4) issue we read; kept structural so shared/ needs no zod internals. */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  origin?: string;
  expected?: string;
  input?: unknown;
  keys?: readonly string[];
}

/** The schemas' own sentences (shared/settings.ts, shared/contract*.ts), by how they start. */
const OWN_SENTENCES: readonly [string, MessageCode][] = [
  ['a PIN is 4–8 digits', 'input.pinFormat'],
  ['the new PIN must differ', 'input.pinSame'],
  ['a date must be YYYY-MM-DD', 'input.dateFormat'],
  ['a time of day must be HH:MM', 'input.timeOfDay'],
  ['a date-time must be ISO-8601', 'input.isoDateTime'],
  ['not a real date-time', 'input.notRealDateTime'],
  ['a time window must not start and end', 'input.sameMinute'],
  ['lottery minBp must not be above maxBp', 'input.lotteryMinAboveMax'],
  ['a fixed lottery needs at least one ratio', 'input.fixedLotteryEmpty'],
  ['a random return group needs at least one order', 'input.randomReturnGroup'],
  ['paper width must be 58 or 80', 'input.paperWidth'],
  ['copies must be 1–5', 'input.copies'],
  ['the timeout must be 100–120000 ms', 'input.timeout'],
  ['at least one tender', 'input.atLeastOneTender'],
  ['the amount due must be at least 1 fen', 'input.amountMin'],
  ['the input must be a plain object', 'input.notPlainObject'],
  ['a mainland mobile number', 'member.phoneInvalid'],
  ['the lookup address must start with', 'input.lookupUrl'],
  ['a backup is named by its day', 'input.dateFormat'],
  ['a name is needed', 'input.empty'],
];

function unit(path: readonly PropertyKey[]): 'fen' | 'bp' | 'plain' {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last !== 'string') return 'plain';
  if (/Fen$/.test(last)) return 'fen';
  if (/Bp$/.test(last) || last === 'fixedBp') return 'bp';
  return 'plain';
}

function limit(value: number | bigint | undefined): number {
  return typeof value === 'bigint' ? Number(value) : (value ?? 0);
}

/** The catalogue message of one zod issue. */
export function issueMessage(issue: IssueLike): Message {
  for (const [start, code] of OWN_SENTENCES) {
    if (issue.message.startsWith(start)) return msg(code as 'input.invalid');
  }
  switch (issue.code) {
    case 'too_big': {
      const max = limit(issue.maximum);
      if (issue.origin === 'string') return msg('input.tooLong', { max });
      if (issue.origin === 'array' || issue.origin === 'set') return msg('input.tooMany', { max });
      const u = unit(issue.path);
      return u === 'fen' ? msg('input.tooLargeFen', { max }) : u === 'bp' ? msg('input.tooLargeBp', { max }) : msg('input.tooLarge', { max });
    }
    case 'too_small': {
      const min = limit(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? msg('input.empty') : msg('input.tooShort', { min });
      if (issue.origin === 'array' || issue.origin === 'set') return msg('input.tooFew', { min });
      const u = unit(issue.path);
      return u === 'fen' ? msg('input.tooSmallFen', { min }) : u === 'bp' ? msg('input.tooSmallBp', { min }) : msg('input.tooSmall', { min });
    }
    case 'invalid_type':
      if (issue.expected === 'int') return msg('input.notInteger');
      if (issue.input === undefined && /received undefined/.test(issue.message)) return msg('input.required');
      return msg('input.wrongType');
    case 'unrecognized_keys':
      return msg('input.unknownField', { keys: (issue.keys ?? []).slice(0, 5).join(', ').slice(0, 100) });
    case 'invalid_value':
      return msg('input.badChoice');
    case 'invalid_format':
      return msg('input.badFormat');
    case 'invalid_union':
      return msg('input.wrongType');
    default:
      return msg('input.invalid');
  }
}

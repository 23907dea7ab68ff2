/**
 * The order number a person reads, and the way back to the order.
 *
 * Internally an order is `<register id>-<yyyymmdd>-<nnnnnn>`
 * (`register-1-20260302-000123`, electron/backend/app/checkout.ts): the
 * register id keeps ids unique across the alliance, but it is an identifier,
 * not something a cashier or a customer should read or type. Every screen,
 * receipt, slip and search shows the **order number** instead:
 *
 *   `<register no.>-<yyyymmdd>-<daily sequence, at least 4 digits>`
 *   `register-1-20260302-000123` → `1-20260302-0123`
 *
 * - the register's number comes from an id `register-N` (the default; shown
 *   elsewhere as N 号收银台); a register named otherwise has no number and its
 *   orders read `20260302-0123`;
 * - the sequence keeps 4 digits (a busy day rarely passes 9 999) and grows
 *   past them when needed (`1-20260302-12345`);
 * - an id of another form (typed in by hand, imported) is shown as it is.
 *
 * Searching accepts the number with or without the register part and with any
 * number of leading zeros in the sequence (`1-20260302-0123`,
 * `20260302-123`, `1-20260302-000123`), as well as the internal id.
 */

const INTERNAL = /^(.+)-(\d{8})-(\d{6,})$/;
const REGISTER_NO = /^register-?(\d{1,4})$/i;

export interface OrderNumberParts {
  /** The register's number (`1` for `register-1`), or null when the id names none. */
  register: number | null;
  /** Local day of payment, `yyyymmdd`. */
  day: string;
  /** The day's sequence (1, 2, …). */
  seq: number;
}

/** The parts of an internal order id, or null for an id of another form. */
export function orderIdParts(orderId: string): OrderNumberParts | null {
  const m = INTERNAL.exec(orderId);
  if (!m) return null;
  const reg = REGISTER_NO.exec(m[1]!);
  return { register: reg ? Number(reg[1]) : null, day: m[2]!, seq: Number(m[3]) };
}

function format(parts: OrderNumberParts): string {
  const tail = `${parts.day}-${String(parts.seq).padStart(4, '0')}`;
  return parts.register === null ? tail : `${parts.register}-${tail}`;
}

/** What a screen, receipt or slip shows for an order id: `1-20260302-0123`. */
export function orderNumber(orderId: string): string {
  const parts = orderIdParts(orderId);
  return parts ? format(parts) : orderId;
}

/**
 * A typed or scanned order number → its parts (the register part may be
 * missing); null when the text is not an order number. Spaces around it and
 * full-width digits / dashes from a Chinese IME are tolerated.
 */
export function parseOrderNumber(text: string): OrderNumberParts | null {
  const clean = text
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[－—–]/g, '-');
  const m = /^(?:(\d{1,4})-)?(\d{8})-(\d{1,7})$/.exec(clean);
  if (!m) return null;
  const seq = Number(m[3]);
  if (seq < 1) return null;
  return { register: m[1] === undefined ? null : Number(m[1]), day: m[2]!, seq };
}

/** The internal id an order number has on a register named `registerId` (the id it was given there). */
export function orderIdOn(registerId: string, parts: Pick<OrderNumberParts, 'day' | 'seq'>): string {
  return `${registerId}-${parts.day}-${String(parts.seq).padStart(6, '0')}`;
}

/** Whether an internal id is the order a typed number names (the register part, when typed, must agree). */
export function orderIdMatches(orderId: string, typed: OrderNumberParts): boolean {
  const parts = orderIdParts(orderId);
  if (!parts || parts.day !== typed.day || parts.seq !== typed.seq) return false;
  return typed.register === null || typed.register === parts.register;
}

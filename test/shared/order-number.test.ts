/** The order number a person reads (shared/order-number.ts): never the internal register prefix; typed back in any reasonable form. */
import { describe, expect, it } from 'vitest';
import { orderIdMatches, orderIdOn, orderNumber, parseOrderNumber } from '../../shared/order-number';

describe('order numbers', () => {
  it('shows the register number, the day and the daily sequence (at least 4 digits), never the internal prefix', () => {
    expect(orderNumber('register-1-20260302-000123')).toBe('1-20260302-0123');
    expect(orderNumber('register-12-20260302-000001')).toBe('12-20260302-0001');
    expect(orderNumber('register-1-20260302-012345')).toBe('1-20260302-12345');
    expect(orderNumber('front-desk-20260302-000007')).toBe('20260302-0007');
    // Ids of another form (typed in by hand, imported) as they are.
    expect(orderNumber('O1')).toBe('O1');
    expect(orderNumber('register-1-abc')).toBe('register-1-abc');
  });

  it('reads a typed number with or without the register part, any leading zeros, full-width digits', () => {
    expect(parseOrderNumber('1-20260302-0123')).toEqual({ register: 1, day: '20260302', seq: 123 });
    expect(parseOrderNumber(' 20260302-123 ')).toEqual({ register: null, day: '20260302', seq: 123 });
    expect(parseOrderNumber('1-20260302-000123')).toEqual({ register: 1, day: '20260302', seq: 123 });
    expect(parseOrderNumber('１－２０２６０３０２－０１２３')).toEqual({ register: 1, day: '20260302', seq: 123 });
    for (const bad of ['0123', 'register-1-20260302-000123', '1-2026032-0123', '20260302-0000', 'ABCD-EFGH-JKLM', '']) expect(parseOrderNumber(bad)).toBeNull();
  });

  it('goes back to the internal id; the register part, when typed, must agree', () => {
    const typed = parseOrderNumber('1-20260302-0123')!;
    expect(orderIdOn('register-1', typed)).toBe('register-1-20260302-000123');
    expect(orderIdMatches('register-1-20260302-000123', typed)).toBe(true);
    expect(orderIdMatches('register-2-20260302-000123', typed)).toBe(false);
    expect(orderIdMatches('register-2-20260302-000123', parseOrderNumber('20260302-0123')!)).toBe(true);
    for (const id of ['register-1-20260302-000123', 'register-7-20261231-004321']) expect(orderIdMatches(id, parseOrderNumber(orderNumber(id))!)).toBe(true);
  });
});

/** docs/security.md §7 — impossible calendar dates are refused, not rolled over. */
import { describe, expect, it } from 'vitest';
import { isCalendarDateTime, isoInstant } from '../../shared/settings';

describe('impossible calendar dates', () => {
  it('2026-02-31 and other rolled-over instants are refused; real ones pass', () => {
    for (const bad of ['2026-02-31T10:00:00+08:00', '2026-04-31T10:00:00+08:00', '2025-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T10:00:00Z']) {
      expect(isoInstant.safeParse(bad).success, bad).toBe(false);
    }
    for (const good of ['2028-02-29T10:00:00+08:00', '2026-01-31T23:59:59Z', '2026-03-01T00:00+08:00']) {
      expect(isoInstant.safeParse(good).success, good).toBe(true);
      expect(isCalendarDateTime(good)).toBe(true);
    }
  });
});

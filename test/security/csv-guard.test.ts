/** docs/security.md §7 — the CSV formula guard also covers full-width ＝＋－＠. */
import { describe, expect, it } from 'vitest';
import { csvField } from '../../shared/manager/csv';

describe('CSV formula guard', () => {
  it('prefixes an apostrophe to cells starting with half- or full-width formula characters', () => {
    for (const start of ['＝', '＋', '－', '＠', '=', '+', '-', '@']) {
      expect(csvField(`${start}1+1`), start).toContain(`'${start}1+1`);
    }
    expect(csvField('店长')).toBe('店长');
  });
});

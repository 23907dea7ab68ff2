/** "Why this ratio?" names who paid as the line does — name and masked phone, or a walk-in — never the member's internal id. */
import { describe, expect, it } from 'vitest';
import WhyRatioDialog from '../../renderer/components/WhyRatioDialog.vue';
import type { WhyRatioView } from '../../shared/contract-manager';
import { fakeApi, flush, mountWith } from './helpers';

const view = (over: Partial<WhyRatioView>): WhyRatioView => ({
  orderId: 'register-1-20260302-000001',
  paidAt: 1_772_416_800_000,
  memberId: 'register-1-MABCDEFGHJK',
  member: { displayName: '周*', maskedPhone: '137****0001', code: null },
  memberLevel: 'normal',
  source: 'none',
  steps: [],
  winner: null,
  reconstructedSteps: null,
  agrees: null,
  entry: null,
  noEntitlementReason: null,
  ...over,
});

let wrapper: ReturnType<typeof mountWith> | null = null;

async function shown(answer: WhyRatioView): Promise<string> {
  const api = fakeApi();
  api.on('manager.whyRatio', () => answer);
  wrapper = mountWith(WhyRatioDialog, { props: { orderId: answer.orderId } });
  await flush();
  return document.querySelector('[data-test="why-member"]')!.textContent ?? '';
}

describe('why this ratio: who paid', () => {
  it('a member by name and masked phone, never the id', async () => {
    const text = await shown(view({}));
    expect(text).toContain('周* 137****0001');
    expect(document.body.textContent).not.toContain('register-1-M');
  });

  it('a member known only by code, and a walk-in', async () => {
    expect(await shown(view({ member: { displayName: null, maskedPhone: null, code: 'VIP0001' } }))).toContain('VIP0001');
    wrapper?.unmount();
    expect(await shown(view({ memberId: null, member: null, memberLevel: null }))).toContain('散客');
  });
});

import { describe, expect, it } from 'vitest';
import type { EntryView, LineMemberView } from '../../shared/contract';
import { listInput, PAGE, useLineStore } from '../../renderer/stores/line';
import QueueView from '../../renderer/views/QueueView.vue';
import { fakeApi, flush, mountWith, press } from './helpers';

function entry(seq: number, over: Partial<EntryView> = {}): EntryView & { member: LineMemberView | null } {
  return {
    orderId: `register-1-20260302-${String(seq).padStart(6, '0')}`,
    seq,
    memberId: seq % 2 ? 'register-1-MABCDEFGHJK' : null,
    member: seq % 2 ? { displayName: '周*', maskedPhone: '137****0001', code: null } : null,
    joinedAt: 1_772_416_800_000 + seq * 1000,
    position: seq,
    aheadFen: 0,
    ratioBp: 10000,
    rule: 'cashier.default',
    drawPending: false,
    canDraw: false,
    entitlementFen: 10000,
    receivedFen: seq === 1 ? 2500 : 0,
    state: 'waiting',
    finishedAt: null,
    ...over,
  };
}

/** A line of `total` entries answered by keyset pages, like the backend. */
function pagedLine(total: number) {
  const api = fakeApi();
  api.on('queue.list', (raw) => {
    const input = raw as { afterSeq: number; limit: number };
    const entries: EntryView[] = [];
    for (let s = input.afterSeq + 1; s <= Math.min(total, input.afterSeq + input.limit); s++) entries.push(entry(s));
    const last = entries.at(-1)?.seq ?? null;
    return { entries, nextAfterSeq: last !== null && last < total ? last : null, totalWaiting: total };
  });
  return api;
}

let wrapper: ReturnType<typeof mountWith> | null = null;

describe('the line list', () => {
  it('builds queue.list inputs from the filters (keyset paging, no offsets)', () => {
    expect(listInput({ state: '', memberId: '', fromDate: '', toDate: '', search: '' }, 0)).toEqual({ afterSeq: 0, limit: PAGE });
    const input = listInput({ state: 'waiting', memberId: ' M001 ', fromDate: '2026-03-01', toDate: '2026-03-02', search: '000123' }, 400);
    expect(input).toMatchObject({ afterSeq: 400, limit: PAGE, state: 'waiting', memberId: 'M001', search: '000123' });
    expect(input.to! - input.from!).toBe(2 * 24 * 3600 * 1000 - 1);
  });

  it('renders rows with progress and state, and pages on with afterSeq = nextAfterSeq', async () => {
    const api = pagedLine(1_000_000);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    const line = useLineStore();
    expect(line.entries).toHaveLength(PAGE);
    expect(wrapper.text()).toContain('排队中 1000000 条');
    const rows = wrapper.findAll('.el-table-v2__row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40); // virtual: only the visible rows are in the DOM
    expect(rows[0]!.text()).toContain('¥25.00 / ¥100.00');
    expect(rows[0]!.text()).toContain('排队中');
    // Who, as the cashier knows them: never the internal member id.
    expect(rows[0]!.find('[data-test=queue-member-cell]').text()).toBe('周*137****0001');
    expect(wrapper.text()).not.toContain('register-1-M');

    await line.loadMore();
    const lists = api.calls.filter((c) => c.name === 'queue.list').map((c) => c.input as { afterSeq: number });
    expect(lists.map((i) => i.afterSeq)).toEqual([0, PAGE]);
    expect(line.entries).toHaveLength(2 * PAGE);
    expect(line.entries.at(-1)!.seq).toBe(2 * PAGE);
  });

  it('arrow keys move the selection; moving near the end fetches the next page', async () => {
    pagedLine(250);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    const line = useLineStore();
    for (let i = 0; i < PAGE - 3; i++) press('ArrowDown');
    await flush();
    expect(line.selected).toBe(PAGE - 3);
    expect(line.entries).toHaveLength(250);
    expect(line.done).toBe(true);
  });

  it('search by order number reloads from the start with the search term', async () => {
    const api = pagedLine(5);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    await wrapper.find('[data-test="queue-search"]').setValue('000003');
    press('Enter', wrapper.find('[data-test="queue-search"]').element);
    await flush();
    const last = api.calls.filter((c) => c.name === 'queue.list').at(-1)!.input;
    expect(last).toEqual({ afterSeq: 0, limit: PAGE, search: '000003' });
  });

  it('Enter in the search field searches; Enter again (nothing changed) opens the chosen entry, ↓ choosing another', async () => {
    const api = pagedLine(5);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    const field = wrapper.find('[data-test="queue-search"]');
    await field.setValue('20260302');
    press('Enter', field.element);
    await flush();
    expect(api.calls.filter((c) => c.name === 'queue.entry')).toHaveLength(0);
    press('ArrowDown', field.element);
    press('Enter', field.element);
    await flush();
    expect(api.calls.filter((c) => c.name === 'queue.entry').at(-1)?.input).toEqual({ orderId: entry(2).orderId });
  });

  it('the cursor rests on the list on arrival, on the details while they show, and on the list again when they close (Esc): never the page body', async () => {
    const api = pagedLine(5);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    expect(document.activeElement?.getAttribute('data-test')).toBe('queue-table');
    press('ArrowDown', document.activeElement!);
    press('Enter', document.activeElement!);
    await flush();
    expect(api.calls.filter((c) => c.name === 'queue.entry').at(-1)?.input).toEqual({ orderId: entry(2).orderId });
    await new Promise((r) => setTimeout(r, 80));
    expect(document.activeElement?.getAttribute('data-test'), 'the open details hold the cursor').toBe('entry-details');
    press('Escape');
    await flush();
    expect(document.activeElement?.getAttribute('data-test')).toBe('queue-table');
  });

  it('a click on a row chooses it and opens its details', async () => {
    const api = pagedLine(5);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    await wrapper.findAll('.el-table-v2__row')[2]!.trigger('click');
    await flush();
    expect(useLineStore().selected).toBe(2);
    expect(api.calls.filter((c) => c.name === 'queue.entry').at(-1)?.input).toEqual({ orderId: entry(3).orderId });
  });

  it('an entry patched after a draw or exchange keeps who it belongs to', async () => {
    pagedLine(5);
    wrapper = mountWith(QueueView, { props: { width: 1200, height: 600 } });
    await flush();
    const line = useLineStore();
    const { member: _member, ...plain } = entry(1, { state: 'exchanged' });
    line.patch(plain);
    await flush();
    expect(line.entries[0]!.state).toBe('exchanged');
    expect(line.entries[0]!.member).toEqual({ displayName: '周*', maskedPhone: '137****0001', code: null });
    expect(wrapper.findAll('[data-test=queue-member-cell]')[0]!.text()).toBe('周*137****0001');
  });
});


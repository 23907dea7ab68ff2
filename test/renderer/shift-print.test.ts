/** The shift screen's F6: print the X report of the open shift (the lines sent shown beside it), no English on screen. */
import { describe, expect, it } from 'vitest';
import { useSessionStore } from '../../renderer/stores/session';
import ShiftView from '../../renderer/views/ShiftView.vue';
import { fakeApi, flush, mountWith, press, statusFixture } from './helpers';

let wrapper: ReturnType<typeof mountWith> | null = null;

describe('shift screen: print a shift report', () => {
  it('F6 sends the X report to the print queue and shows what was printed', async () => {
    const api = fakeApi();
    api.on('shift.print', () => ({ jobId: 12, report: 'X', lines: ['X 报表（班中）', '收银员          林小红', '销售额        ￥1,234.50'] }));
    wrapper = mountWith(ShiftView);
    const session = useSessionStore();
    session.status = statusFixture();
    await flush();
    press('F6');
    await flush();
    expect(api.calls.find((c) => c.name === 'shift.print')?.input).toEqual({});
    const preview = wrapper.find('[data-test="report-print-preview"]');
    expect(preview.exists()).toBe(true);
    expect(preview.text()).toContain('已送往小票打印机');
    expect(preview.text()).toContain('林小红');
    expect(preview.text()).toContain('￥1,234.50');
    expect(wrapper.find('[data-test="print-x-report"]').text()).toContain('打印 X 报表');
  });

  it('a refused print shows the reason in Chinese', async () => {
    const api = fakeApi();
    api.on('shift.print', () => {
      throw Object.assign(new Error('no shift'), { code: 'no-shift' });
    });
    wrapper = mountWith(ShiftView);
    useSessionStore().status = statusFixture();
    await flush();
    await wrapper.find('[data-test="print-x-report"]').trigger('click');
    await flush();
    expect(wrapper.find('[data-test="shift-error"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="report-print-preview"]').exists()).toBe(false);
  });
});

/**
 * The printer settings' list (issue 11 §1, §3) in happy-dom with a fake
 * CashierApi: 查找打印机 lists what the backend found (notes in Chinese),
 * 使用 puts an address into the field, a serial address gets a baud-rate
 * choice that rewrites it, 打印测试页 queues a test page.
 */
import { describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import type { CashierApi, CommandName } from '../../shared/contract';
import type { PrinterDiscoveryView } from '../../shared/contract-manager';
import { msg } from '../../shared/messages/catalogue';
import { setCashierApi } from '../../renderer/api';
import PrinterFinder from '../../renderer/manager/PrinterFinder.vue';
import { flush, mountWith, statusFixture } from './helpers';

const FOUND: PrinterDiscoveryView = {
  printers: [
    { uri: 'printer:XP-58', kind: 'os', label: '系统打印机：XP-58' },
    { uri: 'file:/dev/usb/lp0', kind: 'usb', label: 'USB 打印机设备：/dev/usb/lp0' },
    { uri: 'serial:/dev/ttyUSB0?baud=9600', kind: 'serial', label: '串口：/dev/ttyUSB0' },
  ],
  notes: ['系统打印服务 CUPS 没有运行，无法列出系统打印机'],
};

function fake() {
  const calls: CommandName[] = [];
  const api: CashierApi = {
    invoke: (async (name: CommandName) => {
      calls.push(name);
      if (name === 'app.status') return { ok: true, value: statusFixture() };
      if (name === 'manager.printer.discover') return { ok: true, value: FOUND };
      if (name === 'manager.printer.testPage') return { ok: true, value: { jobId: 7 } };
      return { ok: false, error: { code: 'internal', message: `no fake for ${name}`, reason: msg('internal') } };
    }) as CashierApi['invoke'],
    onStatus: () => () => {},
  };
  setCashierApi(api);
  return calls;
}

const uri = ref('');
const Host = defineComponent({
  setup: () => () => h('div', [h(PrinterFinder, { uri: uri.value, 'onUpdate:uri': (v: string) => (uri.value = v) }), h('span', { 'data-test': 'uri' }, uri.value)]),
});
const q = (id: string) => document.querySelector(`[data-test="${id}"]`) as HTMLElement | null;

describe('printer finder', () => {
  it('lists the printers found, uses one, offers the baud rate for a serial port, queues a test page', async () => {
    const calls = fake();
    uri.value = '';
    mountWith(Host);
    q('printer-find')!.click();
    await flush();
    expect(q('printer-found')!.textContent).toContain('系统打印机：XP-58');
    expect(q('printer-found')!.textContent).toContain('串口：/dev/ttyUSB0');
    expect(q('printer-found-note')!.textContent).toContain('CUPS 没有运行');
    const useButtons = [...q('printer-found')!.querySelectorAll('button')];
    useButtons[2]!.click();
    await flush();
    expect(uri.value).toBe('serial:/dev/ttyUSB0?baud=9600');
    expect(q('printer-baud')).not.toBeNull(); // a serial address: the baud-rate choice shows
    useButtons[0]!.click();
    await flush();
    expect(uri.value).toBe('printer:XP-58');
    expect(q('printer-baud')).toBeNull();
    q('printer-test-page')!.click();
    await flush();
    expect(calls).toContain('manager.printer.testPage');
    expect(q('printer-finder-notice')!.textContent).toBe('测试页已加入打印队列');
  });
});

/**
 * The printer settings' list and test page through the manager commands
 * (issue 11 §1), and the file: rule at save time (issue 9 §2): a path that
 * is not a printer device is refused in Chinese and nothing is saved.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getMeta, listJobs } from '../../electron/backend/printing/index';
import type { Harness } from '../app/helpers';
import { MANAGER_PIN, managerHarness } from '../manager/helpers';

let h: Harness;
beforeEach(async () => {
  h = await managerHarness();
  await h.ok('manager.unlock', { pin: MANAGER_PIN });
});
afterEach(() => h.close());

describe('printer settings list and test page', () => {
  it('lists what the machine has, with a Chinese note for what it cannot list', async () => {
    const found = await h.ok('manager.printer.discover', {});
    for (const p of found.printers) {
      expect(p.uri).toMatch(/^(printer:|file:\/dev\/usb\/lp|serial:)/);
      expect(p.label).toMatch(/系统打印机|USB 打印机设备|串口/);
    }
    for (const note of found.notes) expect(note).toMatch(/[\u4e00-\u9fff]/);
    // This machine runs no system CUPS scheduler: the list says so instead of failing.
    if (!found.printers.some((p) => p.kind === 'os')) expect(found.notes.join()).toMatch(/CUPS/);
  });

  it('queues a test page through the print queue', async () => {
    const { jobId } = await h.ok('manager.printer.testPage', {});
    expect(listJobs(h.backend.db).find((j) => j.id === jobId)).toMatchObject({ kind: 'test' });
  });

  it('refuses a file: address that is not a printer device (printer.notADevice, shown in Chinese) and keeps the old one', async () => {
    await h.ok('manager.printer.save', { uri: 'file:/dev/usb/lp0' });
    for (const uri of [`file:${h.file}`, 'file:register.db', 'file:/home/shop/notes.txt']) {
      const r = await h.call('manager.printer.save', { uri });
      expect(r).toMatchObject({ ok: false, error: { issues: [{ path: 'uri', reason: { code: 'printer.notADevice', params: { address: uri } } }] } });
    }
    expect(getMeta(h.backend.db, 'printer.uri')).toBe('file:/dev/usb/lp0');
  });
});

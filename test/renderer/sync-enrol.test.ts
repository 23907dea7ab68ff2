/**
 * 用注册码接入 (issue 13 §2) in happy-dom with a fake backend: Enter in the
 * code field sends address and code; success and a refused code are said in
 * Chinese; the code field is emptied after each try; nothing is sent with a
 * field left empty.
 */
import { describe, expect, it } from 'vitest';
import type { DetailsView } from '../../shared/contract-manager';
import { msg } from '../../shared/messages/catalogue';
import SyncEnrol from '../../renderer/manager/SyncEnrol.vue';
import { fakeApi, flush, mountWith } from './helpers';

const DETAILS: DetailsView = {
  store: { name: null, address: null, header: null, footer: null, lookupUrl: null, refundClosedDays: 'allow' },
  printer: { uri: null, width: 80, commandSet: 'epson', copies: 1, timeoutMs: 5000, confirm: 'status', drawer: true, error: null },
  sync: { url: 'wss://central.example.com', storeId: 'S1', registerId: 'R7', tokenSet: true, allowInsecure: false, configured: true },
};

const q = (id: string) => document.querySelector(`[data-test="${id}"]`) as HTMLElement | null;
const field = (id: string) => (q(id)!.tagName === 'INPUT' ? q(id) : q(id)!.querySelector('input')) as HTMLInputElement;
async function type(id: string, text: string) {
  const el = field(id);
  el.value = text;
  el.dispatchEvent(new Event('input'));
  await flush();
}
async function enter(id: string) {
  field(id).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
  await flush();
}

describe('sync enrolment in the manager console', () => {
  it('Enter sends address and code; 成功 or 码已用过 in Chinese; the code is cleared', async () => {
    const api = fakeApi();
    let spent = false;
    api.on('manager.sync.enrol', () => {
      if (spent) throw { code: 'rule', message: 'used', reason: msg('sync.enrol.codeRefused') };
      spent = true;
      return DETAILS;
    });
    const enrolled: DetailsView[] = [];
    mountWith(SyncEnrol, { props: { url: '', allowInsecure: false, onEnrolled: (d: DetailsView) => enrolled.push(d) } });
    await flush();

    await enter('sync-enrol-code');
    expect(api.calls.filter((c) => c.name === 'manager.sync.enrol')).toHaveLength(0);
    expect(q('sync-enrol-result')!.textContent).toBe('请填写服务器地址和注册码。');

    await type('sync-enrol-url', ' wss://central.example.com ');
    await type('sync-enrol-code', 'abcd-efgh-ijkl');
    await enter('sync-enrol-code');
    expect(api.calls.filter((c) => c.name === 'manager.sync.enrol').map((c) => c.input)).toEqual([{ url: 'wss://central.example.com', code: 'abcd-efgh-ijkl', allowInsecure: false }]);
    expect(q('sync-enrol-result')!.textContent).toBe('注册成功：本机是门店 S1 的收银台 R7，同步马上开始。');
    expect(enrolled).toEqual([DETAILS]);
    expect(field('sync-enrol-code').value).toBe('');

    await type('sync-enrol-code', 'abcd-efgh-ijkl');
    await enter('sync-enrol-url');
    expect(q('sync-enrol-result')!.textContent).toContain('注册码已用过、无效或已过期');
    expect(q('sync-enrol-result')!.className).toContain('problem');
    expect(enrolled).toHaveLength(1);
    expect(field('sync-enrol-code').value).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { fen } from '../../shared/money';
import {
  buildReceipt,
  COPY_MARK,
  formatReceiptTime,
  labelValue,
  previewText,
  renderPreview,
  textColumns,
  wrapText,
  type Receipt,
} from '../../shared/receipt/index';
import { sampleData } from './sample';

const texts = (r: Receipt) => r.lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));

describe('column arithmetic', () => {
  it('counts ASCII as one column and Chinese, full-width and other non-ASCII as two', () => {
    expect(textColumns('abc 123')).toBe(7);
    expect(textColumns('收银台')).toBe(6);
    expect(textColumns('ＡＢＣ￥１２')).toBe(12);
    expect(textColumns('Happy 超市')).toBe(10);
    expect(textColumns('·—')).toBe(4); // printed from the GB18030 font: full width
  });

  it('wraps mixed text at the right column without splitting a double-width character', () => {
    // 31 columns of ASCII + a Chinese character that would straddle column 32.
    const lines = wrapText(`${'a'.repeat(31)}超市`, 32);
    expect(lines).toEqual(['a'.repeat(31), '超市']);
    for (const l of wrapText('幸福超市人民路旗舰店ＡＢＣ Happy Mart Flagship Store 上海', 32)) expect(textColumns(l)).toBeLessThanOrEqual(32);
    expect(wrapText('Happy Mart Flagship Store Shanghai', 16)).toEqual(['Happy Mart', 'Flagship Store', 'Shanghai']);
  });

  it('puts a value that does not fit beside its label right-aligned on the next line', () => {
    expect(labelValue('收银员', '张三', 16)).toEqual(['收银员      张三']);
    expect(labelValue('收银员', '欧阳娜娜 Ouyang', 16)).toEqual(['收银员', ' 欧阳娜娜 Ouyang']);
    expect(labelValue('收银员', '欧阳娜娜 Ouyang Nana', 16)).toEqual(['收银员', ' 欧阳娜娜 Ouyang', '            Nana']);
  });
});

describe('buildReceipt', () => {
  for (const width of [58, 80] as const) {
    const columns = width === 58 ? 32 : 48;

    it(`fits every line on ${width} mm paper (${columns} columns), double-size title counted twice`, () => {
      const long = sampleData({
        store: { name: '幸福超市（人民路步行街旗舰店）Happy Mart Flagship Store', address: '上海市黄浦区南京东路步行街１００号 B1-08 室（近地铁站２号口）' },
        cashier: '欧阳娜娜 Ouyang Nana (Senior Cashier)',
      });
      const r = buildReceipt(long, { width, copy: false });
      expect(r.columns).toBe(columns);
      for (const l of r.lines) if (l.kind === 'text') expect(textColumns(l.text) * l.size, l.text).toBeLessThanOrEqual(columns);
      for (const l of previewText(r)) expect(textColumns(l), l).toBeLessThanOrEqual(columns);
      // The title wraps at half the columns (double width), and loses nothing.
      const title = r.lines.filter((l) => l.kind === 'text' && l.size === 2).map((l) => (l.kind === 'text' ? l.text : ''));
      expect(title.length).toBeGreaterThan(1);
      expect(title.join('').replace(/\s/g, '')).toBe('幸福超市（人民路步行街旗舰店）HappyMartFlagshipStore');
      // The long cashier name is kept whole, right-aligned at the right column.
      const preview = previewText(r);
      const cashierAt = preview.findIndex((l) => l.startsWith('收银员'));
      const until = preview.findIndex((l) => l.startsWith('单号'));
      const valueLines = preview.slice(cashierAt, until);
      const name = '欧阳娜娜 Ouyang Nana (Senior Cashier)';
      if (width === 80) expect(valueLines).toEqual([`收银员${' '.repeat(columns - 6 - textColumns(name))}${name}`]);
      else {
        expect(valueLines[0]).toBe('收银员');
        for (const l of valueLines.slice(1)) expect(textColumns(l)).toBe(columns);
        expect(valueLines.slice(1).map((l) => l.trim()).join(' ')).toBe(name);
      }
    });

    it(`right-aligns amounts exactly at column ${columns}`, () => {
      const preview = previewText(buildReceipt(sampleData(), { width, copy: false }));
      for (const label of ['应付金额', '积分抵扣', '爱心值抵扣', '实付金额', '现金', '微信支付', '找零', '待返权益', '入队时前方待返', '本单付给队列']) {
        const line = preview.find((l) => l.startsWith(label));
        expect(line, label).toBeDefined();
        expect(textColumns(line!), label).toBe(columns);
      }
    });
  }

  it('states the facts of §7: store, register, cashier, order, time, money, member, rebate block, QR and short code', () => {
    const r = buildReceipt(sampleData(), { width: 80, copy: false });
    const all = previewText(r).join('\n');
    for (const fact of [
      '1号收银台',
      '张三丰 Zhang Sanfeng',
      '20260105-0001',
      '2026-01-05 10:00:00',
      '￥168.00',
      '-￥5.00',
      '-￥3.00',
      '￥160.00',
      '￥100.00',
      '￥60.00',
      '王＊＊ 138****5678',
      '【排队返现】',
      '￥208.00',
      '130%',
      '收银台会员等级比例',
      '第 3 位',
      '￥436.80',
      '￥104.00',
      '查询码 K7QH-2M9D-X4TB',
      '扫码或凭查询码查询排队进度',
      '欢迎光临 Welcome',
      '客服 400-123-4567',
    ]) {
      expect(all, fact).toContain(fact);
    }
    expect(r.lines.find((l) => l.kind === 'qr')).toEqual({ kind: 'qr', payload: 'https://q.example.cn/q/K7QH2M9DX4TB' });
    expect(r.openDrawer).toBe(true);
    // Facts only: no promised dates or estimates.
    expect(all).not.toMatch(/预计|预估|将于|到账时间|estimated/i);
  });

  it('marks a copy 副本 at the top and bottom and never opens the drawer for it', () => {
    const r = buildReceipt(sampleData(), { width: 58, copy: true });
    const t = texts(r);
    expect(t[0]).toBe(COPY_MARK);
    expect(t[t.length - 1]).toBe(COPY_MARK);
    expect(COPY_MARK).toContain('副本');
    expect(COPY_MARK).not.toMatch(/[A-Za-z]/); // no English word on a Chinese receipt
    expect(r.openDrawer).toBe(false);
    expect(buildReceipt(sampleData(), { width: 58, copy: false }).lines.some((l) => l.kind === 'text' && l.text === COPY_MARK)).toBe(false);
  });

  it('opens the drawer only when a cash tender is present', () => {
    const card = sampleData({ tenders: [{ kind: 'card', amountFen: fen(16000) }] });
    const r = buildReceipt(card, { width: 80, copy: false });
    expect(r.openDrawer).toBe(false);
    expect(previewText(r).some((l) => l.startsWith('找零'))).toBe(false);
    expect(previewText(r).some((l) => l.startsWith('银行卡'))).toBe(true);
  });

  it('never puts ¥ (U+00A5) or control characters on the receipt', () => {
    const evil = sampleData({ store: { name: '¥超市\x1b@\x1dV\x01', header: 'tab\there' } });
    const r = buildReceipt(evil, { width: 58, copy: false });
    const all = texts(r).join('');
    expect(all).not.toMatch(/[\u00a5\u0000-\u001f\u007f]/);
    expect(all).toContain('￥超市@V');
  });

  it('formats the time in Asia/Shanghai by default and in the given IANA zone otherwise', () => {
    const at = Date.UTC(2026, 0, 5, 17, 30, 5);
    expect(formatReceiptTime(at)).toBe('2026-01-06 01:30:05');
    expect(formatReceiptTime(at, 'UTC')).toBe('2026-01-05 17:30:05');
    expect(formatReceiptTime(at, 'America/New_York')).toBe('2026-01-05 12:30:05');
  });

  it('uses the custom rebate name and explains an order that earned nothing', () => {
    const walkIn = sampleData({
      member: null,
      rebate: { name: '消费全返', entry: null, noEntitlementReason: 'walk-in', settled: true, extractedFen: fen(10400), paidToQueueFen: fen(10400) },
    });
    const all = previewText(buildReceipt(walkIn, { width: 58, copy: false })).join('\n');
    expect(all).toContain('【消费全返】');
    expect(all).toContain('非会员不参与');
    expect(all).not.toContain('会员    ');
    expect(all).toContain('￥104.00');
  });

  it('says an order not yet settled pays the queue on completion, and hides place/ahead when the display switches are off', () => {
    const d = sampleData({ show: { position: false, ahead: false } });
    d.rebate = { ...d.rebate, settled: false, paidToQueueFen: fen(0) };
    const all = previewText(buildReceipt(d, { width: 80, copy: false })).join('\n');
    expect(all).toContain('订单完成后结算');
    expect(all).not.toContain('入队位置');
    expect(all).not.toContain('前方待返');
  });

  it('masks a phone number that arrives unmasked', () => {
    const d = sampleData({ member: { maskedPhone: '13812345678', displayName: null } });
    const all = previewText(buildReceipt(d, { width: 58, copy: false })).join('\n');
    expect(all).toContain('138****5678');
    expect(all).not.toContain('13812345678');
  });

  it('prints a QR only when the store has a lookup address; otherwise says the code is looked up at the counter', () => {
    const noUrl = buildReceipt(sampleData({ qrPayload: undefined }), { width: 58, copy: false });
    expect(noUrl.lines.some((l) => l.kind === 'qr')).toBe(false);
    const text = previewText(noUrl).join('\n');
    expect(text).toContain('查询码 K7QH-2M9D-X4TB');
    expect(text).toContain('凭查询码可在收银台查询排队进度');
    expect(text).not.toContain('扫码');
    // An order from before the 查询码 existed: neither QR nor code, the order number is what to bring.
    const old = previewText(buildReceipt(sampleData({ qrPayload: undefined, shortCode: undefined }), { width: 58, copy: false })).join('\n');
    expect(old).not.toContain('查询码');
    expect(old).toContain('凭单号可在收银台查询排队进度');
  });

  it('gives the preview exactly the paper width on every line, with the QR payload on its line', () => {
    const p = renderPreview(buildReceipt(sampleData(), { width: 58, copy: false }));
    for (const l of p.lines) expect(textColumns(l.text) * l.size).toBe(32);
    expect(p.lines.find((l) => l.qr)?.qr).toBe('https://q.example.cn/q/K7QH2M9DX4TB');
  });
});

import { describe, expect, it } from 'vitest';
import { formatLookupCode } from '../../shared/lookup-code';
import { classifyScan, payCodeWallet } from '../../shared/scan';

const Q = 'register-1';

describe('payment codes (付款码) are recognised and never read as members', () => {
  it('WeChat Pay: 18 digits starting 10–15', () => {
    for (const head of ['10', '11', '12', '13', '14', '15']) {
      expect(classifyScan(`${head}${'3'.repeat(16)}`, Q)).toEqual({ kind: 'pay-code', wallet: 'wechat' });
    }
    // 17 or 19 digits, or starting 16/09, is not a WeChat code.
    expect(payCodeWallet(`13${'3'.repeat(15)}`)).toBeNull();
    expect(payCodeWallet(`13${'3'.repeat(17)}`)).toBeNull();
    expect(payCodeWallet(`16${'3'.repeat(16)}`)).toBeNull();
    expect(payCodeWallet(`09${'3'.repeat(16)}`)).toBeNull();
  });
  it('Alipay: 16–24 digits starting 25–30', () => {
    for (const len of [16, 18, 20, 24]) {
      for (const head of ['25', '28', '30']) expect(payCodeWallet(head + '7'.repeat(len - 2))).toBe('alipay');
    }
    expect(payCodeWallet(`28${'7'.repeat(13)}`)).toBeNull(); // 15 digits
    expect(payCodeWallet(`28${'7'.repeat(23)}`)).toBeNull(); // 25 digits
    expect(payCodeWallet(`31${'7'.repeat(16)}`)).toBeNull();
    expect(payCodeWallet(`24${'7'.repeat(16)}`)).toBeNull();
  });
  it('UnionPay: 19 digits starting 62', () => {
    expect(classifyScan(`62${'0'.repeat(17)}`, Q)).toEqual({ kind: 'pay-code', wallet: 'unionpay' });
    expect(payCodeWallet(`62${'0'.repeat(16)}`)).toBeNull();
    expect(payCodeWallet(`61${'0'.repeat(17)}`)).toBeNull();
  });
  it('a scanner that adds spaces or a dash still gives a pay code', () => {
    expect(classifyScan(' 134567890123456789 ', Q)).toEqual({ kind: 'pay-code', wallet: 'wechat' });
    expect(classifyScan('2845 6789 0123 4567 89', Q)).toEqual({ kind: 'pay-code', wallet: 'alipay' });
  });
  it('letters around the digits are not a pay code', () => {
    expect(classifyScan('VIP134567890123456789', Q).kind).toBe('member-code');
  });
});

describe('members, phones, receipts, anything else', () => {
  it('member QR with any of the prefixes', () => {
    expect(classifyScan('member:VIP0001', Q)).toEqual({ kind: 'member-qr', code: 'VIP0001' });
    expect(classifyScan('M：abc-1', Q)).toEqual({ kind: 'member-qr', code: 'abc-1' });
    expect(classifyScan('member:<script>', Q)).toEqual({ kind: 'other' });
  });
  it('mainland mobile numbers, with or without +86', () => {
    expect(classifyScan('13800138000', Q)).toEqual({ kind: 'phone', phone: '13800138000' });
    expect(classifyScan('+86 138-0013-8000', Q)).toEqual({ kind: 'phone', phone: '13800138000' });
    expect(classifyScan('8613800138000', Q)).toEqual({ kind: 'phone', phone: '13800138000' });
    // 12 digits starting 1 is not a phone (it is a member code).
    expect(classifyScan('138001380001', Q).kind).toBe('member-code');
  });
  it('an older receipt QR (QR:<queue>:<order>) opens its order; another register’s is told apart', () => {
    expect(classifyScan('QR:register-1:register-1-20260105-000001', Q)).toEqual({ kind: 'receipt-qr', orderId: 'register-1-20260105-000001' });
    expect(classifyScan(`QR:${encodeURIComponent('店-2')}:${encodeURIComponent('单号 1')}`, Q)).toEqual({ kind: 'foreign-receipt', queueId: '店-2', orderId: '单号 1' });
    expect(classifyScan('QR:register-1:%E0%A4%A', Q)).toEqual({ kind: 'other' });
  });
  it('the receipt’s 查询码 as printed (any case, dashes or spaces) or its QR (lookup address + code)', () => {
    const code = formatLookupCode('K7QH2M9DX4TB');
    expect(code).toBe('K7QH-2M9D-X4TB');
    expect(classifyScan(code, Q)).toEqual({ kind: 'receipt-code', code });
    expect(classifyScan('k7qh 2m9d x4tb', Q)).toEqual({ kind: 'receipt-code', code });
    expect(classifyScan('https://q.example.cn/q/K7QH2M9DX4TB', Q)).toEqual({ kind: 'receipt-code', code });
    // Twelve bare characters may be a member code: looked up as one.
    expect(classifyScan('K7QH2M9DX4TB', Q)).toEqual({ kind: 'member-code', code: 'K7QH2M9DX4TB' });
  });
  it('member codes, and anything else', () => {
    expect(classifyScan('VIP0001', Q)).toEqual({ kind: 'member-code', code: 'VIP0001' });
    expect(classifyScan('m-1001', Q)).toEqual({ kind: 'member-code', code: 'm-1001' });
    expect(classifyScan('https://example.com/x', Q)).toEqual({ kind: 'other' });
    expect(classifyScan('hello world', Q)).toEqual({ kind: 'other' });
    expect(classifyScan('', Q)).toEqual({ kind: 'other' });
    expect(classifyScan('x'.repeat(300), Q)).toEqual({ kind: 'other' });
  });
});

import { formatMoney, parseMoney } from '../src/money.ts';

describe('money', () => {
  it('parses decimal strings into cents without floating point', () => {
    expect(parseMoney('value', { amount: '1250.5', currency: 'EUR' })).toEqual({ cents: 125050n, currency: 'EUR' });
    expect(formatMoney(125050n, 'EUR')).toEqual({ amount: '1250.50', currency: 'EUR' });
    expect(formatMoney(9_007_199_254_740_993n, 'USD')?.amount).toBe('90071992547409.93');
  });

  it('names the field of a bad amount or currency', () => {
    expect(() => parseMoney('value', { amount: '12,50', currency: 'EUR' })).toThrow('value.amount');
    expect(() => parseMoney('value', { amount: '1.234', currency: 'EUR' })).toThrow('value.amount');
    expect(() => parseMoney('value', { amount: '1', currency: 'eur' })).toThrow('value.currency');
  });
});

import fc from 'fast-check';
import { D, toMoney } from '../../src/money/money';
import { centsToMoney, toCents } from './cents';

describe('money at rest as integer cents', () => {
  it('reads canonical amounts exactly', () => {
    expect(toCents('695400000')).toBe(69540000000n);
    expect(toCents('1550440.5')).toBe(155044050n);
    expect(toCents('0.05')).toBe(5n);
    expect(toCents('-3.25')).toBe(-325n);
    expect(toCents('-0.5')).toBe(-50n);
  });

  it('writes the canonical decimal string of money.ts', () => {
    expect(centsToMoney(155044050n)).toBe('1550440.5');
    expect(centsToMoney(5n)).toBe('0.05');
    expect(centsToMoney(-325n)).toBe('-3.25');
    expect(centsToMoney(0n)).toBe('0');
  });

  it('refuses a third decimal place rather than rounding', () => {
    expect(() => toCents('1.005')).toThrow(RangeError);
  });

  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  it(`round-trips any amount beyond the range of a JS number (seed ${seed})`, () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (cents) => {
        const text = centsToMoney(cents);
        expect(toCents(text)).toBe(cents);
        expect(text).toBe(toMoney(new D(cents.toString()).div(100)));
      }),
      { seed },
    );
  });
});

describe('exact quantities', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { addDecimalText } = require('./exact-decimal') as typeof import('./exact-decimal');
  it('adds and subtracts decimal text exactly', () => {
    expect(addDecimalText('4.5', '2.25')).toBe('6.75');
    expect(addDecimalText('6.75', '2.25', -1)).toBe('4.5');
    expect(addDecimalText('0.1', '0.2')).toBe('0.3');
    expect(addDecimalText('1', '1', -1)).toBe('0');
    expect(addDecimalText(undefined, '0.05', -1)).toBe('-0.05');
    expect(addDecimalText('123456789012345678901234567890', '0.000001')).toBe('123456789012345678901234567890.000001');
  });
});

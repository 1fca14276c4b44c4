import fc from 'fast-check';
import { D, toMoney } from '../../src/money/money';
import Database from 'better-sqlite3';
import { CENTS, centsOf, centsParam, centsToMoney, registerCentsFunctions, toCents } from './cents';

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

describe('cents of any size in SQLite (an amount may be 10^20 đồng: beyond int64 cents)', () => {
  const INT64_MAX = 2n ** 63n - 1n;
  const db = new Database(':memory:');
  registerCentsFunctions(db);
  db.exec(`CREATE TABLE t (g INTEGER, c ${CENTS})`);
  const insert = db.prepare('INSERT INTO t (g, c) VALUES (?, ?)');

  it('keeps cents within int64 as INTEGER, and beyond as their exact text', () => {
    expect(centsParam(INT64_MAX)).toBe(INT64_MAX);
    expect(centsParam(INT64_MAX + 1n)).toBe('9223372036854775808');
    expect(centsParam(-(2n ** 63n) - 1n)).toBe('-9223372036854775809');
    insert.run(1, centsParam(INT64_MAX + 1n));
    expect(db.prepare('SELECT typeof(c) AS type, c FROM t WHERE g = 1').safeIntegers(true).get()).toEqual({ type: 'text', c: '9223372036854775808' });
    expect(centsOf('9223372036854775808')).toBe(INT64_MAX + 1n);
  });

  it('sums them exactly with cents_sum, where a native sum() overflows or turns to a REAL', () => {
    insert.run(1, centsParam(10n ** 22n));
    insert.run(2, centsParam(INT64_MAX));
    insert.run(2, centsParam(1n));
    const sums = (g: number) => db.prepare('SELECT cents_sum(c) AS exact, sum(c) AS native FROM t WHERE g = ?').safeIntegers(true);
    const one = sums(1).get(1) as { exact: unknown; native: unknown };
    expect(centsOf(one.exact)).toBe(INT64_MAX + 1n + 10n ** 22n);
    expect(typeof one.native).toBe('number'); // what the read side detects, and sums again exactly
    expect(centsOf(db.prepare('SELECT cents_sum(c) FROM t WHERE g = 2').safeIntegers(true).pluck().get())).toBe(INT64_MAX + 1n);
    expect(() => db.prepare('SELECT sum(c) FROM t WHERE g = 2').get()).toThrow(/integer overflow/);
    expect(db.prepare('SELECT cents_add(?, ?) AS s').safeIntegers(true).get(INT64_MAX, 1n)).toEqual({ s: '9223372036854775808' });
  });

  it('refuses a REAL rather than take it as cents', () => {
    expect(() => centsOf(9.2e19)).toThrow(/inexact cents/);
    expect(() => db.prepare('SELECT cents_add(?, 0)').get(0.5)).toThrow(/inexact cents/);
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

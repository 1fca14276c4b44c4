import { CounterTable } from './counter-table';

const INT64_MAX = (1n << 63n) - 1n;

describe('CounterTable', () => {
  it('holds rows past one chunk, each field apart', () => {
    const t = new CounterTable(3, 2);
    for (let i = 0; i < 10_000; i++) {
      const row = t.addRow();
      expect(row).toBe(i);
      t.setCent(row, 1, BigInt(i) * 100n);
      t.setNumber(row, 0, i);
    }
    t.addCent(9_999, 2, -5n);
    t.addNumber(4_096, 1, 2.5);
    expect(t.rows).toBe(10_000);
    expect([t.cent(4_097, 0), t.cent(4_097, 1), t.cent(4_097, 2)]).toEqual([0n, 409_700n, 0n]);
    expect(t.cent(9_999, 2)).toBe(-5n);
    expect([t.number(4_096, 0), t.number(4_096, 1)]).toEqual([4_096, 2.5]);
  });

  it('keeps a counter beyond int64 exact, and its cell again once it is back within', () => {
    const t = new CounterTable(2, 0);
    const row = t.addRow();
    t.setCent(row, 0, INT64_MAX);
    t.addCent(row, 0, 1n);
    expect(t.cent(row, 0)).toBe(INT64_MAX + 1n);
    expect(t.cent(row, 1)).toBe(0n);
    t.addCent(row, 0, 10n ** 30n);
    expect(t.cent(row, 0)).toBe(INT64_MAX + 1n + 10n ** 30n);
    t.addCent(row, 0, -(10n ** 30n) - 2n);
    expect(t.cent(row, 0)).toBe(INT64_MAX - 1n);
    t.setCent(row, 1, -(10n ** 25n));
    expect(t.cent(row, 1)).toBe(-(10n ** 25n));
  });
});

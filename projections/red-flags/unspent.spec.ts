import fc from 'fast-check';
import { OPEN_END, addDays, firstFlaggedDay, restep, unspentSpans } from './unspent';

describe('unspent spans of a carried line', () => {
  it('starts the day after the grace days', () => {
    expect(firstFlaggedDay(20241231, 0)).toBe(20250101);
    expect(firstFlaggedDay(20240228, 0)).toBe(20240229);
    expect(firstFlaggedDay(20241231, 30)).toBe(20250131);
    expect(addDays(20241231, -1)).toBe(20241230);
  });

  it('given no day row on or before a day, the line is not flagged until its first', () => {
    expect(unspentSpans(20250101, [])).toEqual([]);
    expect(unspentSpans(20250101, [{ eff: 20250301, unspent: 5n }])).toEqual([{ from: 20250301, to: OPEN_END }]);
  });

  it('given money left at the start, then spent, then a reversal: two spans', () => {
    const days = [
      { eff: 20240110, unspent: 100n },
      { eff: 20250105, unspent: 40n },
      { eff: 20250110, unspent: 0n },
      { eff: 20250120, unspent: 0n },
      { eff: 20250201, unspent: 30n },
    ];
    expect(unspentSpans(20250101, days)).toEqual([
      { from: 20250101, to: 20250110 },
      { from: 20250201, to: OPEN_END },
    ]);
  });

  it('given a day row on the start itself, or spent before it: from that row', () => {
    expect(unspentSpans(20250101, [{ eff: 20250101, unspent: 1n }])).toEqual([{ from: 20250101, to: OPEN_END }]);
    expect(unspentSpans(20250101, [{ eff: 20241201, unspent: 0n }, { eff: 20250102, unspent: -5n }])).toEqual([]);
  });

  /** The value of a step function on a day, from its rows. */
  const valueOn = (rows: ReadonlyMap<number, number>, day: number) => {
    let v = 0;
    for (const [d, x] of [...rows].sort((a, b) => a[0] - b[0])) if (d <= day) v = x;
    return v;
  };

  it('rewrites a step function by batches of changes into the rows one batch gives (a row only where the value changes)', () => {
    const change = fc.record({ day: fc.integer({ min: 1, max: 30 }), delta: fc.integer({ min: -2, max: 2 }) });
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 6 }), { maxLength: 6 }), (batches) => {
        const rows = new Map<number, number>();
        for (const batch of batches) {
          const changes = new Map<number, number>();
          for (const c of batch) changes.set(c.day, (changes.get(c.day) ?? 0) + c.delta);
          for (const [d, n] of changes) if (n === 0) changes.delete(d);
          if (changes.size === 0) continue;
          const first = Math.min(...changes.keys());
          const sorted = [...rows].sort((a, b) => a[0] - b[0]);
          const before = sorted.filter(([d]) => d < first).pop();
          const from = before ? before[0] : 0;
          const { put, drop } = restep(
            sorted.filter(([d]) => d >= from).map(([day, value]) => ({ day, value })),
            changes,
          );
          for (const d of drop) rows.delete(d);
          for (const p of put) rows.set(p.day, p.value);
        }
        // One batch of every change, from nothing.
        const all = new Map<number, number>();
        for (const c of batches.flat()) all.set(c.day, (all.get(c.day) ?? 0) + c.delta);
        for (const [d, n] of all) if (n === 0) all.delete(d);
        const once = new Map(restep([], all).put.map((p) => [p.day, p.value]));
        expect([...rows].sort((a, b) => a[0] - b[0])).toEqual([...once].sort((a, b) => a[0] - b[0]));
        let total = 0;
        for (let day = 0; day <= 31; day++) {
          total += all.get(day) ?? 0;
          expect(valueOn(rows, day)).toBe(total);
        }
        // No row repeats the value before it.
        const sorted = [...rows].sort((a, b) => a[0] - b[0]);
        sorted.forEach(([, v], i) => expect(v).not.toBe(i === 0 ? 0 : sorted[i - 1][1]));
      }),
    );
  });
});

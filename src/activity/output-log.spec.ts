import fc from 'fast-check';
import { OutputEntry, outputValue, recordOutputs } from './output-log';

const add = (day: number, position: number, quantity: string): OutputEntry => ({ at: [day, position], quantity, total: false });
const total = (day: number, position: number, quantity: string): OutputEntry => ({ at: [day, position], quantity, total: true });

describe('outputs recorded over time', () => {
  it('adds records, and a corrected total replaces what was in force before it', () => {
    expect(outputValue([add(20240301, 1, '40'), add(20240601, 2, '30')])).toBe('70');
    expect(outputValue([add(20240301, 1, '40'), add(20240601, 2, '30'), total(20240615, 3, '65')])).toBe('65');
    expect(outputValue([add(20240301, 1, '40'), total(20240615, 3, '65'), add(20240701, 4, '5.5')])).toBe('70.5');
  });

  it('lets a back-dated correction replace only what took effect before it', () => {
    // recorded last, effective 1/5: the 40 of 1/3 is replaced by 38; the 30 of 1/6 still adds
    expect(outputValue([add(20240301, 1, '40'), add(20240601, 2, '30'), total(20240501, 3, '38')])).toBe('68');
  });

  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  it(`gives the same value whatever order the records are folded in (seed ${seed})`, () => {
    const entry = fc.record({ day: fc.integer({ min: 20240101, max: 20240131 }), q: fc.integer({ min: 0, max: 500 }), total: fc.boolean() });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), (raw) => {
        const entries = raw.map((e, i) => ({ at: [e.day, i + 1] as const, quantity: String(e.q), total: e.total }));
        const expected = outputValue(entries);
        const reversed = [...entries].reverse();
        let log = {};
        let values = {};
        for (const e of reversed) ({ log, values } = recordOutputs(log, values, [{ indicator: 'trainees', quantity: e.quantity }], e.total, e.at));
        expect((values as Record<string, string>).trainees).toBe(expected);
      }),
      { seed },
    );
  });
});

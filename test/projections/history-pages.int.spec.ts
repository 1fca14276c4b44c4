import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MARK_EVERY } from '../../projections/history/history.tables';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { Append, appendAll, decision, disbursed, line, planAssigned, voucher } from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

/**
 * Pages in log order of a line's history as of a date, as known at a time (and up to a position), found mark by mark
 * (history_marks, with the range of dates and times of the entries since the mark before), against the entries of the
 * unbounded history filtered here, and against the first page that holds them all (read from the start, no marks).
 * The line has 4 marks' worth of entries: most recorded on their day, some back-dated and recorded weeks later, some
 * recorded days before they take effect, some recorded out of log order (days later, or months earlier, than their neighbours).
 */
describe('a line history in log order, bounded by a date and a time, any page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-history-pages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const L = line({ unit: '184' });
  const stream = fundLineStream(L);
  const N = 4 * MARK_EVERY + 37;

  const day = (i: number) => new Date(Date.UTC(2024, 0, 2) + Math.floor((i * 360) / N) * 86_400_000).toISOString().slice(0, 10);
  const plusDays = (d: string, n: number) => new Date(Date.parse(d) + n * 86_400_000).toISOString().slice(0, 10);
  function log(): Append[] {
    const out: Append[] = [planAssigned(L, '900000000000', { basis: decision('1/QĐ-UBND', '2023-12-20') })];
    for (let i = 1; i < N; i++) {
      const d = day(i);
      // Every 19th back-dated 30 days (recorded on its day: late), every 23rd effective 9 days after it is recorded,
      // every 31st recorded 3 days after the next ones, every 29th effective and recorded 100 days before the ones
      // around it (appended later: an old record brought in), and the 100th recorded 200 days after its neighbours (the
      // marks after its mark are then all in force again).
      const eff = i % 29 === 0 ? plusDays(d, -100) : i % 19 === 0 ? plusDays(d, -30) : i % 23 === 0 ? plusDays(d, 9) : d;
      const recordedAt = `${i % 29 === 0 ? plusDays(d, -100) : i % 31 === 0 ? plusDays(d, 3) : i === 100 ? plusDays(d, 200) : d}T03:00:00.000Z`;
      out.push(disbursed(L, 'm-1', `gn-${i}`, String(1_000_000 + i * 1000), { basis: voucher(`UNC-${i}`, eff), effectiveDate: eff, recordedAt }));
    }
    return out;
  }

  let h: Harness;
  beforeAll(async () => {
    h = harness(dir, { batchSize: 50 });
    for (const a of log()) await appendAll(h.store, a);
    await h.runner.catchUp();
  });
  afterAll(() => h.closeAll());

  it('gives the entries in force, in log order, and the running balances of a page read from the start', () => {
    const all = [1, 2, 3].flatMap((page) => h.queries.history(stream, { page, pageSize: 500 }).entries);
    expect(all.length).toBe(N);
    let checked = 0;
    for (const asOf of ['2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31']) {
      // Times around the asOf, and a few days before each mark's last entry is recorded (a mark's entries then straddle it).
      const marks = [1, 2, 3, 4].flatMap((k) => [plusDays(day(k * MARK_EVERY - 1), -1), plusDays(day(k * MARK_EVERY - 1), -4)]);
      for (const knownAt of [plusDays(asOf, 15), plusDays(asOf, 2), plusDays(asOf, -40), '2025-01-31', ...marks]) {
        for (const upToPosition of [undefined, 700]) {
          const q = { asOf, knownAt, upToPosition };
          const rec = Date.parse(`${knownAt}T23:59:59.999+07:00`);
          const expected = all.filter((e) => e.effectiveDate <= asOf && Date.parse(e.recordedAt) <= rec && (upToPosition === undefined || e.position <= upToPosition));
          const whole = expected.length <= 500 ? h.queries.history(stream, { ...q, pageSize: 500 }).entries : null;
          if (whole) expect(whole.map((e) => e.position)).toEqual(expected.map((e) => e.position));
          for (const pageSize of [7, 50]) {
            const last = Math.ceil(expected.length / pageSize);
            for (const page of [2, 3, 20, 37, last - 1, last, last + 1]) {
              if (page < 2) continue;
              const got = h.queries.history(stream, { ...q, page, pageSize });
              const from = (page - 1) * pageSize;
              expect({ q, page, pageSize, total: got.totalEntries, positions: got.entries.map((e) => e.position) }).toEqual({
                q,
                page,
                pageSize,
                total: expected.length,
                positions: expected.slice(from, from + pageSize).map((e) => e.position),
              });
              if (whole) expect({ q, page, pageSize, entries: got.entries }).toEqual({ q, page, pageSize, entries: whole.slice(from, from + pageSize) });
              // The balance after each end of the page: that of the entries in force up to its position, summed from the index.
              for (const e of [got.entries[0], got.entries[got.entries.length - 1]].filter((x) => x !== undefined)) {
                const upTo = h.queries.history(stream, { ...q, upToPosition: e.position, pageSize: 1 }).balance;
                expect({ q, page, pageSize, position: e.position, balance: e.balanceAfter }).toEqual({ q, page, pageSize, position: e.position, balance: upTo });
              }
              checked += 1;
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});

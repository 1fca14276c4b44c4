import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FundLineKey } from '../../events';
import { BALANCE_TABLES } from '../../projections/balances/balances.tables';
import { HISTORY_TABLES, LATE_MS } from '../../projections/history/history.tables';
import { schemaOf } from '../../src/projections/read-model-db';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { Append, LANG_SON, TRA_CU, VAN_QUAN, appendAll, decision, disbursed, line, planAssigned, voucher } from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

/**
 * The bitemporal balances and the pages of a long line, read from the per-line day rows (line_days) and the late
 * entries, against a fold of the raw entries written here: each entry in force by the date (effective date) and
 * known at the time (recorded by it), summed in BigInt.
 */
describe('balances as of a date as known at a time, and history pages in effective order, against a fold of every entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bitemporal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Four lines with entries all year; the fifth holds one disbursement only, recorded 50 days after it took effect; the
   * sixth (another budget year: another key of the district grain in the same district) starts in April, then an entry
   * recorded in November takes effect in February, before its first day.
   */
  const LINES: FundLineKey[] = [
    line(),
    line({ component: 'DA2' }),
    line({ source: 'NSDP-TINH' }),
    line({ unit: TRA_CU }),
    line({ component: 'DA2', source: 'NSDP-TINH' }),
    line({ budgetYear: 2025, originYear: 2025 }),
  ];
  const DAY = 86_400_000;
  const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const start = Date.UTC(2024, 0, 2);

  interface Written {
    readonly position: number;
    readonly line: number;
    readonly kind: 'plan' | 'disbursed';
    readonly cents: bigint;
    readonly eff: string;
    readonly rec: string;
  }
  const written: Written[] = [];

  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };

  /**
   * Each line gets three plans beyond int64 cents between them (5·10^19 đồng each), then disbursements through the
   * year on every line: most recorded within two days of their effective date, one in eight back-dated by 8 to 60
   * days, one in eleven recorded days before it takes effect. Appended in recording order, in two catch-ups.
   */
  function entries(): Array<Omit<Written, 'position'> & { append: Append }> {
    const out: Array<Omit<Written, 'position'> & { append: Append }> = [];
    LINES.slice(0, 4).forEach((key, l) => {
      for (let p = 0; p < 3; p++) {
        const eff = dateOf(start + p * 40 * DAY);
        const rec = new Date(start + p * 40 * DAY + 3_600_000).toISOString();
        const amount = '50000000000000000000';
        out.push({ line: l, kind: 'plan', cents: BigInt(amount) * 100n, eff, rec, append: planAssigned(key, amount, { basis: decision(`${l}-${p}/QĐ`, eff), recordedAt: rec }) });
      }
    });
    for (let i = 0; i < 700; i++) {
      const l = i % 4;
      const effMs = start + Math.floor(i / 2) * DAY;
      const lag = i % 8 === 0 ? (8 + Math.floor(rnd() * 53)) * DAY : i % 11 === 0 ? -5 * DAY : Math.floor(rnd() * 2) * DAY;
      const rec = new Date(effMs + lag + Math.floor(rnd() * 20) * 3_600_000).toISOString();
      const eff = dateOf(effMs);
      const amount = `${1000 + i}.${String(i % 100).padStart(2, '0')}`;
      const cents = BigInt(amount.replace('.', ''));
      out.push({ line: l, kind: 'disbursed', cents, eff, rec, append: disbursed(LINES[l], 'a-1', `gn-${i}`, amount, { basis: voucher(`UNC-${i}`, eff), recordedAt: rec }) });
    }
    const late = { eff: '2024-03-01', rec: '2024-04-20T03:00:00.000Z' };
    out.push({ line: 4, kind: 'disbursed', cents: 12345n, ...late, append: disbursed(LINES[4], 'a-9', 'gn-late', '123.45', { basis: voucher('UNC-late', late.eff), recordedAt: late.rec }) });
    const sixth: Array<{ eff: string; rec: string }> = [];
    for (let k = 0; k < 20; k++) sixth.push({ eff: dateOf(Date.UTC(2024, 3, 1) + k * 9 * DAY), rec: new Date(Date.UTC(2024, 3, 1) + k * 9 * DAY + (k % 3) * 10 * DAY).toISOString() });
    sixth.push({ eff: '2024-02-01', rec: '2024-11-02T03:00:00.000Z' });
    sixth.forEach((x, k) => {
      const amount = `${70 + k}.05`;
      out.push({ line: 5, kind: 'disbursed', cents: BigInt(amount.replace('.', '')), ...x, append: disbursed(LINES[5], 'a-6', `gn6-${k}`, amount, { basis: voucher(`UNC6-${k}`, x.eff), recordedAt: x.rec }) });
    });
    return out.sort((a, b) => (a.rec < b.rec ? -1 : a.rec > b.rec ? 1 : 0));
  }

  let h: Harness;
  beforeAll(async () => {
    h = harness(dir);
    const all = entries();
    const half = Math.floor(all.length * 0.6);
    for (const [from, to] of [
      [0, half],
      [half, all.length],
    ]) {
      for (const e of all.slice(from, to)) {
        const position = await appendAll(h.store, e.append);
        written.push({ position, line: e.line, kind: e.kind, cents: e.cents, eff: e.eff, rec: e.rec });
      }
      await h.runner.catchUp();
    }
  });
  afterAll(() => h.closeAll());

  /** The end of a day in Vietnam, as knownAt=YYYY-MM-DD means it. */
  const knownBy = (knownAt: string | undefined) => (knownAt === undefined ? '9999' : knownAt.length === 10 ? new Date(Date.parse(`${knownAt}T23:59:59.999+07:00`)).toISOString() : knownAt);
  const inForce = (w: Written, asOf?: string, knownAt?: string) => (asOf === undefined || w.eff <= asOf) && w.rec <= knownBy(knownAt);
  const money = (cents: bigint) => {
    const s = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
    const whole = `${cents < 0n ? '-' : ''}${s.slice(0, -2)}`;
    return s.slice(-2) === '00' ? whole : `${whole}.${s.slice(-2).replace(/0$/, '')}`;
  };

  const slices: Array<{ asOf?: string; knownAt?: string }> = [{}];
  for (const asOf of ['2024-01-01', '2024-03-31', '2024-06-30', '2024-09-30', '2025-01-31']) {
    slices.push({ asOf });
    for (const days of [-10, 0, 3, 6, 7, 8, 15, 45, 200]) slices.push({ asOf, knownAt: dateOf(Date.parse(asOf) + days * DAY) });
    slices.push({ asOf, knownAt: new Date(Date.parse(asOf) + LATE_MS).toISOString() });
  }
  slices.push({ knownAt: '2024-05-15' });

  it('gives the balances of each group (lines, events, plan, disbursed) the fold of the entries in force and known gives, at every date and time', () => {
    for (const s of slices) {
      for (const [query, groupOf] of [
        [{ unit: LANG_SON, groupBy: ['component' as const] }, (l: number) => LINES[l].component],
        [{ groupBy: ['province' as const] }, (l: number) => (LINES[l].unit === TRA_CU ? '84' : LANG_SON)],
        [{ unit: VAN_QUAN }, (l: number) => fundLineStream(LINES[l])],
        // Read from the district grain's day rows (district_days, district_late):
        [{ unit: LANG_SON, groupBy: ['district' as const] }, (l: number) => (LINES[l].unit === TRA_CU ? TRA_CU : VAN_QUAN)],
        [{ groupBy: ['district' as const, 'budgetYear' as const] }, (l: number) => `${LINES[l].unit === TRA_CU ? TRA_CU : VAN_QUAN}|${LINES[l].budgetYear}`],
        [{ unit: VAN_QUAN, groupBy: ['budgetYear' as const] }, (l: number) => String(LINES[l].budgetYear)],
      ] as const) {
        const expected = new Map<string, { lines: Set<number>; events: number; plan: bigint; disbursed: bigint }>();
        for (const w of written) {
          if (!inForce(w, s.asOf, s.knownAt)) continue;
          if ('unit' in query && LINES[w.line].unit === TRA_CU) continue;
          const g = groupOf(w.line);
          const acc = expected.get(g) ?? { lines: new Set<number>(), events: 0, plan: 0n, disbursed: 0n };
          acc.lines.add(w.line);
          acc.events += 1;
          acc[w.kind] += w.cents;
          expected.set(g, acc);
        }
        const got = h.queries.balances({ ...query, ...s, pageSize: 100 });
        const byGroup = new Map(got.rows.map((r) => [String('stream' in r && r.stream !== undefined ? r.stream : Object.values(r.group).join('|')), r]));
        expect({ slice: s, query, groups: [...byGroup.keys()].sort() }).toEqual({ slice: s, query, groups: [...expected.keys()].sort() });
        for (const [g, e] of expected) {
          const r = byGroup.get(g)!;
          expect({ slice: s, g, lines: r.lines, events: r.events, plan: r.assigned, disbursed: r.disbursed }).toEqual({
            slice: s,
            g,
            lines: e.lines.size,
            events: e.events,
            plan: money(e.plan),
            disbursed: money(e.disbursed),
          });
        }
      }
    }
  });

  it('answers the same as the sum over every entry up to the last position (which cannot use the day rows)', () => {
    const head = Math.max(...written.map((w) => w.position));
    for (const s of slices) {
      for (const groupBy of [['district', 'source'], ['district'], ['province', 'budgetYear']] as const) {
        const fast = h.queries.balances({ unit: LANG_SON, groupBy: [...groupBy], ...s });
        const summed = h.queries.balances({ unit: LANG_SON, groupBy: [...groupBy], ...s, upToPosition: head });
        expect({ ...summed, upToPosition: null }).toEqual(fast);
      }
    }
  });

  it('keeps, for each key of the district grain and each day it has entries on, the entries, lines and sums in force by that day', () => {
    const schema = schemaOf(h.readModels.liveGeneration() as number);
    const t = { ...BALANCE_TABLES.in(schema), ...HISTORY_TABLES.in(schema) } as Record<string, string>;
    const rows = h.readModels.db
      .prepare(`SELECT k.district, k.budget_year, d.eff, d.entries, d.lines, d.assigned, d.disbursed FROM ${t.district_days} d JOIN ${t.balance_district_year} k ON k.key = d.key ORDER BY 1, 2, 3`)
      .safeIntegers(true)
      .all() as Array<Record<string, bigint | string>>;
    const keyOf = (l: number) => `${LINES[l].unit === TRA_CU ? TRA_CU : VAN_QUAN}|${LINES[l].budgetYear}`;
    const expected: unknown[] = [];
    for (const key of [...new Set(written.map((w) => keyOf(w.line)))].sort()) {
      const mine = written.filter((w) => keyOf(w.line) === key);
      for (const day of [...new Set(mine.map((w) => w.eff))].sort()) {
        const by = mine.filter((w) => w.eff <= day);
        const sum = (kind: Written['kind']) => by.filter((w) => w.kind === kind).reduce((a, w) => a + w.cents, 0n);
        expected.push({ key, day: Number(day.replace(/-/g, '')), entries: by.length, lines: new Set(by.map((w) => w.line)).size, assigned: sum('plan'), disbursed: sum('disbursed') });
      }
    }
    const got = rows.map((r) => ({
      key: `${String(r.district)}|${Number(r.budget_year)}`,
      day: Number(r.eff),
      entries: Number(r.entries),
      lines: Number(r.lines),
      assigned: BigInt(r.assigned),
      disbursed: BigInt(r.disbursed),
    }));
    expect(got).toEqual(expected);
  });

  it('gives every page of a line in effective order, and as of a date as known at a time, the entries and running balances of the fold', () => {
    const L = 1;
    const stream = fundLineStream(LINES[L]);
    const mine = written.filter((w) => w.line === L);
    for (const s of [{}, { asOf: '2024-06-30' }, { asOf: '2024-06-30', knownAt: '2024-07-15' }, { asOf: '2024-06-30', knownAt: '2024-07-02' }]) {
      for (const order of ['effective', 'recorded'] as const) {
        const expected = mine
          .filter((w) => inForce(w, (s as { asOf?: string }).asOf, (s as { knownAt?: string }).knownAt))
          .sort((a, b) => (order === 'recorded' || a.eff === b.eff ? a.position - b.position : a.eff < b.eff ? -1 : 1));
        let plan = 0n;
        let disbursedSoFar = 0n;
        const running = expected.map((w) => {
          if (w.kind === 'plan') plan += w.cents;
          else disbursedSoFar += w.cents;
          return { position: w.position, assigned: money(plan), disbursed: money(disbursedSoFar) };
        });
        for (const pageSize of [1, 7, 50]) {
          const pages = Math.ceil(expected.length / pageSize);
          for (const page of [1, 2, Math.floor(pages / 3), Math.floor(pages / 2) + 1, pages - 1, pages, pages + 1].filter((p) => p >= 1)) {
            const got = h.queries.history(stream, { ...s, order, page, pageSize });
            expect({ s, order, page, total: got.totalEntries }).toEqual({ s, order, page, total: expected.length });
            expect(got.balance.assigned).toBe(money(plan));
            expect(got.balance.disbursed).toBe(money(disbursedSoFar));
            const shown = got.entries.map((e) => ({ position: e.position, assigned: e.balanceAfter.assigned, disbursed: e.balanceAfter.disbursed }));
            expect({ s, order, page, pageSize, shown }).toEqual({ s, order, page, pageSize, shown: running.slice((page - 1) * pageSize, page * pageSize) });
          }
        }
      }
    }
  });
});

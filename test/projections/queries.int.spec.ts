import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue } from '../../src/catalogue/catalogue';
import { fundLineStream } from '../../src/fund-line/fund-line.key';
import { InvalidRequest } from '../../src/shared/errors';
import { MARK_EVERY } from '../../projections/history/history.tables';
import {
  activityReclassified,
  activityRegistered,
  appendAll,
  carriedOver,
  decision,
  disbursed,
  figureStated,
  fundsAllocated,
  fundsMoved,
  line,
  outputsRecorded,
  planAdjusted,
  planAssigned,
  voucher,
  LANG_SON,
  TRA_CU,
  VAN_QUAN,
} from '../support/ledger-events';
import { Harness, harness } from '../support/projections';

/** The catalogue with two communes of Văn Quan. */
function catalogueWithCommunes(): Catalogue {
  return Catalogue.load().withUnits([
    { code: '18401', level: 'commune', parent: VAN_QUAN, nameVi: 'Xã Tri Lễ' },
    { code: '18402', level: 'commune', parent: VAN_QUAN, nameVi: 'Xã Hữu Lễ' },
  ]);
}

const VQ = (number: string, date: string) => decision(number, date, 'UBND huyện Văn Quan');

describe('read-model queries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-queries-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when a back-dated disbursement arrives later', () => {
    const L = line();
    let h: Harness;
    beforeAll(async () => {
      h = harness(dir);
      await appendAll(
        h.store,
        planAssigned(L, '1000000', { basis: VQ('4888/QĐ-UBND', '2024-01-10') }),
        fundsAllocated(L, 'a-1', '800000', { basis: VQ('5489/QĐ-UBND', '2024-01-20') }),
        disbursed(L, 'a-1', 'gn-1', '300000', { basis: voucher('UNC-1', '2024-06-20') }),
        disbursed(L, 'a-1', 'gn-2', '200000', { basis: voucher('UNC-2', '2024-06-25'), recordedAt: '2024-07-20T03:00:00.000Z' }),
        disbursed(L, 'a-1', 'gn-3', '100000', { basis: voucher('UNC-3', '2024-07-05') }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('gives the balance on 30/06/2024 as recorded by 15/07/2024 without it', () => {
      const known = h.queries.balances({ asOf: '2024-06-30', knownAt: '2024-07-15' });
      expect(known).toMatchObject({ asOf: '2024-06-30', knownAt: '2024-07-15', total: { disbursed: '300000', available: '700000' } });
      expect(known.position).toBe(5);
    });

    it('gives the balance on 30/06/2024 as corrected since with it', () => {
      expect(h.queries.balances({ asOf: '2024-06-30' }).total).toMatchObject({ disbursed: '500000', available: '500000', disbursementRateOfPlan: '0.500000' });
    });

    it('gives today’s balance with everything', () => {
      expect(h.queries.balances({}).total).toMatchObject({ disbursed: '600000', unallocated: '200000', disbursementRateOfAllocation: '0.750000' });
    });

    it('accepts an exact instant as the recording time', () => {
      expect(h.queries.balances({ asOf: '2024-06-30', knownAt: '2024-07-20T02:59:59.999Z' }).total.disbursed).toBe('300000');
      expect(h.queries.balances({ asOf: '2024-06-30', knownAt: '2024-07-20T03:00:00.000Z' }).total.disbursed).toBe('500000');
    });

    it('counts only the events up to a log position, exactly, whatever their recording times', () => {
      // gn-2 (position 4) is the late one: up to position 3 it is not there yet, up to 4 it is.
      expect(h.queries.balances({ asOf: '2024-06-30', upToPosition: 3 })).toMatchObject({ upToPosition: 3, total: { disbursed: '300000' } });
      expect(h.queries.balances({ asOf: '2024-06-30', upToPosition: 4 }).total.disbursed).toBe('500000');
      expect(h.queries.balances({ upToPosition: 5 }).total).toEqual(h.queries.balances({}).total);
      expect(h.queries.history(fundLineStream(L), { upToPosition: 2 }).entries.map((e) => e.position)).toEqual([1, 2]);
      expect(h.queries.progress({ upToPosition: 3 }).components[0].money.disbursed).toBe('300000');
    });

    it('refuses a position the read model has not reached', () => {
      expect(() => h.queries.balances({ upToPosition: 6 })).toThrow('the read model is at position 5, behind upToPosition 6');
    });

    it('shows the line’s history as it was known, with the running balance after each event', () => {
      const history = h.queries.history(fundLineStream(L), { asOf: '2024-06-30', knownAt: '2024-07-15' });
      expect(history.entries.map((e) => [e.type, e.amount, e.balanceAfter.available])).toEqual([
        ['PlanAssigned', '1000000', '1000000'],
        ['FundsAllocated', '800000', '1000000'],
        ['Disbursed', '300000', '700000'],
      ]);
      expect(history.entries[2]).toMatchObject({ basis: { kind: 'voucher', number: 'UNC-1', treasury: 'KBNN Văn Quan' }, recordedBy: { id: 'can-bo-ldtbxh' } });
    });

    it('can show the history in effective-date order, where the late entry takes its place', () => {
      const history = h.queries.history(fundLineStream(L), { order: 'effective' });
      expect(history.entries.map((e) => e.reference ?? e.type)).toEqual(['PlanAssigned', 'FundsAllocated', 'gn-1', 'gn-2', 'gn-3']);
      expect(history.entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
      const recorded = h.queries.history(fundLineStream(L), { pageSize: 2, page: 2 });
      expect(recorded).toMatchObject({ totalEntries: 5, page: 2 });
      expect(recorded.entries.map((e) => e.balanceAfter.disbursed)).toEqual(['300000', '500000']);
    });
  });

  describe('a line longer than the interval of its marks, whose sums are beyond int64 cents', () => {
    const L = line();
    const N = MARK_EVERY + 40;
    /** 10^17 đồng each: 10^19 cents, past int64 (9.22 × 10^18) from the first payment on. */
    const EACH = 10n ** 17n;
    let h: Harness;
    beforeAll(async () => {
      h = harness(dir);
      const appends = [planAssigned(L, '90000000000000000000', { basis: VQ('4888/QĐ-UBND', '2024-01-01') }), fundsAllocated(L, 'a-1', '80000000000000000000', { basis: VQ('5489/QĐ-UBND', '2024-01-01') })];
      for (let i = 3; i <= N; i++) appends.push(disbursed(L, 'a-1', `gn-big-${i}`, EACH.toString(), { basis: voucher(`UNC-BIG-${i}`, '2024-03-01') }));
      await appendAll(h.store, ...appends);
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('keeps its marks exact: every page after a mark gives the exact running balance', () => {
      expect(h.queries.status().position).toBe(N);
      for (const page of [1, 2, 3, Math.ceil(N / 100)]) {
        const got = h.queries.history(fundLineStream(L), { page, pageSize: 100 });
        expect(got.totalEntries).toBe(N);
        for (const e of got.entries) expect(e.balanceAfter.disbursed).toBe(String(BigInt(Math.max(0, e.position - 2)) * EACH));
      }
      expect(h.queries.history(fundLineStream(L), { upToPosition: MARK_EVERY + 3, page: 1, pageSize: 1 }).balance.disbursed).toBe(String(BigInt(MARK_EVERY + 1) * EACH));
    });
  });

  describe('a line much longer than a page and than the interval of its marks', () => {
    const L = line();
    const N = 2 + 3 * MARK_EVERY + 37;
    /** Day of 2024 an entry takes effect: mostly in order, every seventh back-dated by weeks, recorded later. */
    const day = (i: number) => (i % 7 === 0 ? Math.max(1, Math.floor(i / 4) - 20) : Math.floor(i / 4) + 1);
    const dateOf = (d: number) => new Date(Date.UTC(2024, 0, d)).toISOString().slice(0, 10);
    let h: Harness;
    beforeAll(async () => {
      h = harness(dir);
      const appends = [planAssigned(L, '1000000000', { basis: VQ('4888/QĐ-UBND', '2024-01-01') }), fundsAllocated(L, 'a-1', '900000000', { basis: VQ('5489/QĐ-UBND', '2024-01-01') })];
      for (let i = 3; i <= N; i++) {
        const eff = dateOf(day(i));
        appends.push(
          disbursed(L, 'a-1', `gn-${i}`, String(1000 + i), {
            basis: voucher(`UNC-${i}`, eff),
            recordedAt: `${dateOf(Math.floor(i / 4) + 1)}T0${i % 10}:00:00.000Z`,
          }),
        );
      }
      await appendAll(h.store, ...appends);
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    /** Every entry's running balance, folded from the whole history in the order asked (the reference the pages must match). */
    const reference = (q: Parameters<Harness['queries']['history']>[1]) => {
      const all = h.queries.history(fundLineStream(L), { ...q, page: 1, pageSize: 500 });
      const rest = h.queries.history(fundLineStream(L), { ...q, page: 2, pageSize: 500 });
      const entries = [...all.entries, ...rest.entries];
      // Each running balance is the one before it plus the entry's change, across the two pages too.
      entries.forEach((e, i) => {
        const before = i === 0 ? 0n : BigInt(entries[i - 1].balanceAfter.disbursed);
        expect(BigInt(e.balanceAfter.disbursed)).toBe(before + BigInt(e.change.disbursed ?? '0'));
      });
      return { total: all.totalEntries, balance: all.balance, entries };
    };

    it('gives every page, in log order, the entries and running balances folding the whole line gives', () => {
      const whole = reference({});
      expect(whole.total).toBe(N);
      expect(whole.entries.map((e) => e.position)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      let disbursed = 0;
      whole.entries.forEach((e, i) => {
        if (i >= 2) disbursed += 1000 + i + 1;
        expect(e.balanceAfter.disbursed).toBe(String(disbursed));
      });
      expect(whole.balance).toEqual(whole.entries[N - 1].balanceAfter);
      for (const pageSize of [1, 50, MARK_EVERY, MARK_EVERY + 1]) {
        const pages = Math.ceil(N / pageSize);
        for (const page of [1, 2, Math.floor(pages / 2), pages - 1, pages, pages + 1]) {
          const got = h.queries.history(fundLineStream(L), { page, pageSize });
          expect(got.totalEntries).toBe(N);
          expect(got.entries).toEqual(whole.entries.slice((page - 1) * pageSize, page * pageSize));
        }
      }
    });

    it('gives every page up to a log position as the line was then, across its marks', () => {
      for (const upToPosition of [MARK_EVERY - 1, MARK_EVERY, MARK_EVERY + 1, 2 * MARK_EVERY + 5, N]) {
        const whole = h.queries.history(fundLineStream(L), { upToPosition, pageSize: 500 });
        const rest = h.queries.history(fundLineStream(L), { upToPosition, pageSize: 500, page: 2 }).entries;
        const entries = [...whole.entries, ...rest];
        expect(whole.totalEntries).toBe(upToPosition);
        expect(entries.map((e) => e.position)).toEqual(Array.from({ length: upToPosition }, (_, i) => i + 1));
        expect(whole.balance).toEqual(entries[upToPosition - 1].balanceAfter);
        for (const page of [1, 3, 6, Math.ceil(upToPosition / 50)]) {
          expect(h.queries.history(fundLineStream(L), { upToPosition, page, pageSize: 50 }).entries).toEqual(entries.slice((page - 1) * 50, page * 50));
        }
      }
    });

    it('gives every page in effective order, and as of a date as known at a time, folding only the entries in force', () => {
      const effective = reference({ order: 'effective' });
      expect(effective.total).toBe(N);
      const keys = effective.entries.map((e) => [e.effectiveDate, e.position] as const);
      expect(keys).toEqual([...keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])));
      expect(effective.entries[N - 1].balanceAfter).toEqual(effective.balance);
      const known = reference({ asOf: '2024-04-30', knownAt: '2024-04-20' });
      expect(known.total).toBeGreaterThan(MARK_EVERY);
      expect(known.total).toBeLessThan(N);
      expect(known.entries.every((e) => e.effectiveDate <= '2024-04-30' && e.recordedAt <= '2024-04-20T17:00:00.000Z')).toBe(true);
      for (const [q, whole] of [
        [{ order: 'effective' as const }, effective],
        [{ asOf: '2024-04-30', knownAt: '2024-04-20' }, known],
      ] as const) {
        for (const page of [1, 2, 7, Math.ceil(whole.total / 50)]) {
          const got = h.queries.history(fundLineStream(L), { ...q, page, pageSize: 50 });
          expect(got.totalEntries).toBe(whole.total);
          expect(got.balance).toEqual(whole.balance);
          expect(got.entries).toEqual(whole.entries.slice((page - 1) * 50, page * 50));
        }
      }
    });
  });

  describe('roll-ups along each dimension', () => {
    let h: Harness;
    const district = line();
    const commune = line({ unit: '18401' });
    const infra = line({ component: 'DA1.TDA1', content: 'HT', capitalType: 'DTPT' });
    const province = line({ component: 'DA7.TDA2', unit: LANG_SON, source: 'NSDP-TINH' });
    const traCu = line({ component: 'DA5', unit: TRA_CU });
    const old = line({ budgetYear: 2023, originYear: 2023 });
    const carried = line({ budgetYear: 2024, originYear: 2023 });
    beforeAll(async () => {
      h = harness(dir, { catalogue: catalogueWithCommunes() });
      const qd = VQ('4888/QĐ-UBND', '2023-12-22');
      await appendAll(
        h.store,
        planAssigned(district, '1000', { basis: qd }),
        planAssigned(commune, '200.5', { basis: qd }),
        planAssigned(infra, '5000', { basis: qd }),
        planAssigned(province, '300', { basis: decision('2068/QĐ-UBND', '2023-12-12', 'UBND tỉnh Lạng Sơn') }),
        planAssigned(traCu, '700', { basis: decision('10/QĐ-UBND', '2023-12-20', 'UBND huyện Trà Cú') }),
        planAssigned(old, '400', { basis: VQ('3000/QĐ-UBND', '2022-12-20') }),
        fundsAllocated(old, 'a-old', '400', { basis: VQ('3001/QĐ-UBND', '2023-01-20') }),
        carriedOver(old, carried, 'cn-1', '150', { basis: VQ('100/QĐ-UBND', '2024-01-15') }, 'a-old'),
        disbursed(district, 'a-1', 'gn-1', '250', { basis: voucher('UNC-1', '2024-03-01') }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('sums communes into their district and districts into their province', () => {
      const byProvince = h.queries.balances({ groupBy: ['province'], budgetYear: 2024 });
      expect(byProvince.rows.map((r) => [r.group.province, r.plan, r.funds, r.lines])).toEqual([
        [LANG_SON, '6500.5', '6650.5', 5],
        ['84', '700', '700', 1],
      ]);
      const byDistrict = h.queries.balances({ groupBy: ['district'], unit: LANG_SON, budgetYear: 2024 });
      expect(byDistrict.rows.map((r) => [r.group.district, r.plan])).toEqual([
        ['', '300'],
        [VAN_QUAN, '6200.5'],
      ]);
      const byUnit = h.queries.balances({ groupBy: ['unit'], unit: VAN_QUAN, budgetYear: 2024 });
      expect(byUnit.rows.map((r) => [r.group.unit, r.funds])).toEqual([
        [VAN_QUAN, '6150'],
        ['18401', '200.5'],
      ]);
    });

    it('filters on a unit with everything under it', () => {
      expect(h.queries.balances({ unit: VAN_QUAN, budgetYear: 2024 }).total).toMatchObject({ plan: '6200.5', funds: '6350.5' });
      expect(h.queries.balances({ unit: '18401' }).total.plan).toBe('200.5');
      expect(h.queries.balances({ unit: LANG_SON }).totalRows).toBe(6);
    });

    it('rolls content up to sub-project, project and programme', () => {
      const byProject = h.queries.balances({ groupBy: ['project'], budgetYear: 2024 });
      expect(byProject.rows.map((r) => [r.group.project, r.plan])).toEqual([
        ['DA1', '5000'],
        ['DA3', '1200.5'],
        ['DA5', '700'],
        ['DA7', '300'],
      ]);
      expect(h.queries.balances({ component: 'DA1.TDA1.HT' }).total.plan).toBe('5000');
      expect(h.queries.balances({ component: 'DA1' }).total.plan).toBe('5000');
      expect(h.queries.balances({ groupBy: ['programme'] }).rows[0]).toMatchObject({ group: { programme: 'GNBV-2021-2025' }, plan: '7600.5' });
      const byContent = h.queries.balances({ groupBy: ['content'], component: 'DA1' });
      expect(byContent.rows[0].group).toEqual({ component: 'DA1.TDA1', content: 'HT' });
    });

    it('keeps carried-over money under its origin year, shown apart from the year’s own plan', () => {
      const year = h.queries.balances({ unit: VAN_QUAN, budgetYear: 2024, component: 'DA3.TDA1' });
      expect(year.total).toMatchObject({ plan: '1200.5', carriedIn: '150', funds: '1350.5', carriedInByOriginYear: { '2023': '150' } });
      const byOrigin = h.queries.balances({ groupBy: ['budgetYear', 'originYear'], unit: VAN_QUAN });
      expect(byOrigin.rows.map((r) => [r.group.budgetYear, r.group.originYear, r.plan, r.carriedIn, r.carriedOut])).toEqual([
        [2023, 2023, '400', '0', '150'],
        [2024, 2023, '0', '150', '0'],
        [2024, 2024, '6200.5', '0', '0'],
      ]);
      const bySource = h.queries.balances({ groupBy: ['capitalType', 'source'], budgetYear: 2024 });
      expect(bySource.rows.map((r) => [r.group.capitalType, r.group.source, r.funds])).toEqual([
        ['DTPT', 'NSTW', '5000'],
        ['SN', 'NSDP-TINH', '300'],
        ['SN', 'NSTW', '2050.5'],
      ]);
    });

    it('gives the same figures now and as of the end of time', () => {
      for (const groupBy of [['province'], ['district'], ['unit'], ['subProject', 'source'], ['budgetYear', 'originYear']] as const) {
        const now = h.queries.balances({ groupBy: [...groupBy] });
        const asOf = h.queries.balances({ groupBy: [...groupBy], asOf: '2100-01-01' });
        expect(asOf.rows.map(({ events: _e, ...r }) => r)).toEqual(now.rows.map(({ events: _e, ...r }) => r));
        expect(asOf.total).toEqual(now.total);
      }
      const lines = h.queries.balances({ pageSize: 500 });
      expect(h.queries.balances({ asOf: '2100-01-01', pageSize: 500 }).rows).toEqual(lines.rows);
    });

    it('pages through lines and groups', () => {
      const page1 = h.queries.balances({ pageSize: 3 });
      const page3 = h.queries.balances({ pageSize: 3, page: 3 });
      expect(page1).toMatchObject({ totalRows: 7, page: 1, pageSize: 3 });
      expect(page1.rows).toHaveLength(3);
      expect(page3.rows).toHaveLength(1);
      expect(page1.rows[0].label).toMatch(/@/);
    });

    it('names the field of a filter it does not know', () => {
      expect(() => h.queries.balances({ unit: '99999' })).toThrow(InvalidRequest);
      try {
        h.queries.balances({ component: 'DA9' });
      } catch (error) {
        expect((error as InvalidRequest).problems[0].field).toBe('component');
      }
    });
  });

  describe('progress after a reclassification', () => {
    let h: Harness;
    const L = line({ unit: VAN_QUAN });
    beforeAll(async () => {
      h = harness(dir, { catalogue: catalogueWithCommunes() });
      await appendAll(
        h.store,
        planAssigned(L, '2000000', { basis: VQ('4888/QĐ-UBND', '2023-12-22') }),
        activityRegistered(
          {
            activityId: 'chuoi-1',
            kind: 'value-chain-production',
            unit: '18401',
            beneficiaries: { poor: 12, 'near-poor': 3 },
            targets: [{ indicator: 'hectares', quantity: '4.5' }],
          },
          { basis: VQ('120/QĐ-UBND', '2024-02-01') },
        ),
        activityRegistered(
          { activityId: 'cong-dong-1', kind: 'community-production', unit: '18402', beneficiaries: { poor: 20 }, targets: [{ indicator: 'households-supported', quantity: '20' }] },
          { basis: VQ('121/QĐ-UBND', '2024-02-01') },
        ),
        fundsAllocated(L, 'chuoi-1', '500000', { basis: VQ('130/QĐ-UBND', '2024-02-10') }),
        fundsAllocated(L, 'cong-dong-1', '300000', { basis: VQ('130/QĐ-UBND', '2024-02-10') }),
        disbursed(L, 'chuoi-1', 'gn-1', '200000', { basis: voucher('UNC-7', '2024-04-02') }),
        outputsRecorded('chuoi-1', [{ indicator: 'hectares', quantity: '2.25' }], { basis: { kind: 'document', title: 'Biên bản nghiệm thu', date: '2024-04-20' } }),
        activityReclassified(
          'chuoi-1',
          'pl-1',
          { kind: 'value-chain-production', component: 'DA3.TDA1' },
          { kind: 'community-production', component: 'DA3.TDA1' },
          { basis: VQ('300/QĐ-UBND', '2024-05-15'), recordedAt: '2024-06-20T02:00:00.000Z' },
        ),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    const kinds = (p: ReturnType<Harness['queries']['progress']>) =>
      Object.fromEntries(p.components[0].byKind.map((k) => [k.kind, [k.activities, k.allocated, k.disbursed]]));

    it('counts the activity under its new kind from the decision’s effective date', () => {
      expect(kinds(h.queries.progress({ component: 'DA3.TDA1', unit: VAN_QUAN }))).toEqual({ 'community-production': [2, '800000', '200000'] });
      expect(kinds(h.queries.progress({ component: 'DA3.TDA1', unit: VAN_QUAN, asOf: '2024-05-14' }))).toEqual({
        'community-production': [1, '300000', '0'],
        'value-chain-production': [1, '500000', '200000'],
      });
      expect(kinds(h.queries.progress({ component: 'DA3.TDA1', unit: VAN_QUAN, asOf: '2024-05-15' }))).toEqual({ 'community-production': [2, '800000', '200000'] });
    });

    it('still shows the old kind for that date as it was known before the decision was recorded', () => {
      expect(kinds(h.queries.progress({ component: 'DA3.TDA1', unit: VAN_QUAN, asOf: '2024-05-31', knownAt: '2024-06-01' }))).toEqual({
        'community-production': [1, '300000', '0'],
        'value-chain-production': [1, '500000', '200000'],
      });
    });

    it('reports the money, statuses, beneficiaries and outputs against targets', () => {
      const p = h.queries.progress({ component: 'DA3', unit: '18401' }).components[0];
      expect(p).toMatchObject({
        component: 'DA3.TDA1',
        activities: 1,
        byStatus: { registered: 0, allocated: 0, disbursing: 1, completed: 0 },
        beneficiaries: { poor: 12, 'near-poor': 3 },
        outputs: [{ indicator: 'hectares', unit: 'ha', target: '4.5', achieved: '2.25', rateOfTarget: '0.500000' }],
      });
      const district = h.queries.progress({ component: 'DA3.TDA1', unit: VAN_QUAN }).components[0];
      expect(district.money).toMatchObject({ plan: '2000000', allocated: '800000', disbursed: '200000' });
      expect(district.beneficiaries).toEqual({ poor: 32, 'near-poor': 3 });
    });

    it('agrees with itself now and as of the end of time', () => {
      const now = h.queries.progress({ component: 'DA3', unit: LANG_SON });
      const end = h.queries.progress({ component: 'DA3', unit: LANG_SON, asOf: '2100-01-01' });
      expect({ ...end, asOf: null }).toEqual(now);
    });
  });

  describe('progress of one budget year', () => {
    let h: Harness;
    const L24 = line({ unit: VAN_QUAN, component: 'DA5' });
    const L25 = line({ unit: VAN_QUAN, component: 'DA5', budgetYear: 2025, originYear: 2025 });
    beforeAll(async () => {
      h = harness(dir);
      await appendAll(
        h.store,
        planAssigned(L24, '8036000000', { basis: VQ('4888/QĐ-UBND', '2023-12-22') }),
        activityRegistered({ activityId: 'nha-2024', component: 'DA5', kind: 'housing-support' }, { basis: VQ('693/QĐ-UBND', '2024-03-05') }),
        fundsAllocated(L24, 'nha-2024', '7700000000', { basis: VQ('832/QĐ-UBND', '2024-03-14') }),
        disbursed(L24, 'nha-2024', 'gn-1', '620000000', { basis: voucher('UNC-1', '2024-06-20') }),
        planAssigned(L25, '5000000000', { basis: VQ('4400/QĐ-UBND', '2024-12-25') }),
        fundsAllocated(L25, 'nha-2024', '1000000000', { basis: VQ('120/QĐ-UBND', '2025-02-10') }),
        activityRegistered({ activityId: 'nha-2025', component: 'DA5', kind: 'housing-support' }, { basis: VQ('210/QĐ-UBND', '2025-03-01') }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    const da5 = (q: Parameters<Harness['queries']['progress']>[0]) => h.queries.progress({ component: 'DA5', ...q }).components[0];

    it("counts that year's lines, and the activities with money on them or registered that year", () => {
      expect(da5({ budgetYear: 2024 })).toMatchObject({ money: { plan: '8036000000', allocated: '7700000000' }, activities: 1, allocated: '7700000000', disbursed: '620000000' });
      expect(da5({ budgetYear: 2025 })).toMatchObject({ money: { plan: '5000000000', allocated: '1000000000' }, activities: 2, allocated: '1000000000', disbursed: '0' });
      expect(da5({})).toMatchObject({ money: { plan: '13036000000' }, activities: 2, allocated: '8700000000' });
      expect(h.queries.progress({ component: 'DA5', budgetYear: 2025 }).budgetYear).toBe(2025);
    });

    it('takes asOf and knownAt with it', () => {
      expect(da5({ budgetYear: 2025, asOf: '2025-02-28' })).toMatchObject({ activities: 1, allocated: '1000000000' });
      expect(h.queries.progress({ component: 'DA5', budgetYear: 2023 }).components).toEqual([]);
    });
  });

  describe('outputs by beneficiary category, added up and corrected', () => {
    let h: Harness;
    const L = line({ unit: VAN_QUAN, component: 'DA4.TDA1' });
    const minutes = (date: string) => ({ basis: { kind: 'document' as const, title: 'Biên bản kết thúc lớp', date } });
    beforeAll(async () => {
      h = harness(dir);
      await appendAll(
        h.store,
        planAssigned(L, '537000000', { basis: VQ('4888/QĐ-UBND', '2023-12-22') }),
        activityRegistered(
          { activityId: 'nghe-1', component: 'DA4.TDA1', kind: 'training-course', targets: [{ indicator: 'trainees', quantity: '150' }] },
          { basis: VQ('832/QĐ-UBND', '2024-03-14') },
        ),
        outputsRecorded('nghe-1', [{ indicator: 'trainees', quantity: '60' }, { indicator: 'trainees', category: 'women', quantity: '35' }, { indicator: 'classes', quantity: '2' }], minutes('2024-05-10')),
        outputsRecorded('nghe-1', [{ indicator: 'trainees', quantity: '55' }, { indicator: 'trainees', category: 'women', quantity: '30' }, { indicator: 'trainees', category: 'ethnic-minority', quantity: '41' }, { indicator: 'classes', quantity: '2' }], minutes('2024-08-20')),
        // recorded last, effective 1/6: the first class had 58 trainees, 33 of them women
        outputsRecorded('nghe-1', [{ indicator: 'trainees', quantity: '58' }, { indicator: 'trainees', category: 'women', quantity: '33' }], minutes('2024-06-01'), {
          corrects: { reason: 'Danh sách lớp 1 ghi trùng hai học viên' },
        }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    const trainees = (q: Parameters<Harness['queries']['progress']>[0]) =>
      h.queries.progress({ component: 'DA4.TDA1', ...q }).components[0].outputs.find((o) => o.indicator === 'trainees');

    it('adds the records of each indicator and category, a correction replacing what was in force before it', () => {
      expect(trainees({})).toEqual({
        indicator: 'trainees',
        unit: 'người',
        target: '150',
        achieved: '113',
        rateOfTarget: '0.753333',
        byCategory: { women: '63', 'ethnic-minority': '41' },
      });
      expect(h.queries.progress({ component: 'DA4.TDA1' }).components[0].outputs.find((o) => o.indicator === 'classes')).toMatchObject({ achieved: '4' });
    });

    it('shows each date with what was in force and known then', () => {
      expect(trainees({ asOf: '2024-05-31' })).toMatchObject({ achieved: '60', byCategory: { women: '35' } });
      expect(trainees({ asOf: '2024-06-30' })).toMatchObject({ achieved: '58', byCategory: { women: '33' } });
      expect(trainees({ asOf: '2100-01-01' })).toEqual(trainees({}));
    });
  });

  describe('decision trail and adjustments', () => {
    let h: Harness;
    const a = line();
    const b = line({ component: 'DA2' });
    beforeAll(async () => {
      h = harness(dir, { catalogue: catalogueWithCommunes() });
      const plan = VQ('4888/QĐ-UBND', '2023-12-22');
      await appendAll(
        h.store,
        planAssigned(a, '1000', { basis: plan, recordedAt: '2023-12-23T02:00:00.000Z' }),
        planAssigned(b, '500', { basis: plan, recordedAt: '2023-12-23T02:00:01.000Z' }),
        activityRegistered({ activityId: 'm-1', kind: 'value-chain-production' }, { basis: VQ('5489/QĐ-UBND', '2024-01-05') }),
        fundsAllocated(a, 'm-1', '600', { basis: VQ('5489/QĐ-UBND', '2024-01-05') }),
        disbursed(a, 'm-1', 'gn-1', '100', { basis: voucher('UNC-1', '2024-03-01') }),
        fundsMoved(a, b, 'dc-1', '200', { basis: VQ('900/QĐ-UBND', '2024-07-01'), actor: { id: 'truong-phong', role: 'head' } }, { fromActivityId: 'm-1' }),
        planAdjusted(b, 'dc-2', 'increase', '50', { basis: VQ('901/QĐ-UBND', '2024-08-01') }),
        activityReclassified('m-1', 'pl-1', { kind: 'value-chain-production', component: 'DA3.TDA1' }, { kind: 'community-production', component: 'DA3.TDA1' }, {
          basis: VQ('950/QĐ-UBND', '2024-08-15'),
          recordedAt: '2024-10-01T02:00:00.000Z',
        }),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('lists every event a decision caused with before → after for each line', () => {
      const trail = h.queries.trail({ number: '4888/QĐ-UBND' });
      expect(trail.decisions).toEqual([expect.objectContaining({ number: '4888/QĐ-UBND', issuer: 'UBND huyện Văn Quan', date: '2023-12-22', events: 2 })]);
      expect(trail.events.map((e) => [e.type, e.line?.before.plan, e.line?.after.plan, e.recordedAt])).toEqual([
        ['PlanAssigned', '0', '1000', '2023-12-23T02:00:00.000Z'],
        ['PlanAssigned', '0', '500', '2023-12-23T02:00:01.000Z'],
      ]);
    });

    it('shows a move on both lines and on the activity, and who recorded it', () => {
      const trail = h.queries.trail({ number: '900/QĐ-UBND', issuer: 'UBND huyện Văn Quan', date: '2024-07-01' });
      expect(trail.events).toHaveLength(2);
      const [out, into] = trail.events;
      expect(out).toMatchObject({
        type: 'FundsMovedOut',
        recordedBy: { id: 'truong-phong', role: 'head' },
        line: { before: { plan: '1000', allocated: '600', available: '900' }, after: { plan: '800', allocated: '400', available: '700' } },
        activity: { activityId: 'm-1', before: { allocated: '600', disbursed: '100' }, after: { allocated: '400', disbursed: '100' } },
      });
      expect(into).toMatchObject({ type: 'FundsMovedIn', line: { before: { plan: '500' }, after: { plan: '700' } } });
    });

    it('shows a reclassification as the activity’s kind before → after', () => {
      const trail = h.queries.trail({ number: '950/QĐ-UBND' });
      expect(trail.events[0]).toMatchObject({
        type: 'ActivityReclassified',
        activity: { before: { kind: 'value-chain-production', status: 'disbursing' }, after: { kind: 'community-production', disbursed: '100' } },
      });
    });

    it('lists decisions newest first', () => {
      const list = h.queries.decisions({});
      expect(list.rows.map((d) => d.number)).toEqual(['950/QĐ-UBND', '901/QĐ-UBND', '900/QĐ-UBND', '5489/QĐ-UBND', '4888/QĐ-UBND']);
      expect(h.queries.decisions({ from: '2024-07-01', to: '2024-07-31' }).rows.map((d) => d.number)).toEqual(['900/QĐ-UBND']);
    });

    it('filters adjustments by period, unit, component and kind', () => {
      const all = h.queries.adjustments({});
      expect(all.rows.map((r) => r.kind)).toEqual(['move-out', 'move-in', 'plan-increase', 'reclassification']);
      expect(h.queries.adjustments({ kind: ['reclassification'] }).rows[0]).toMatchObject({
        fromKind: 'value-chain-production',
        toKind: 'community-production',
        activityDisbursedBefore: '100',
        recordedDaysAfterEffect: 47,
        decision: { number: '950/QĐ-UBND' },
      });
      expect(h.queries.adjustments({ from: '2024-08-01', to: '2024-08-31' }).totalRows).toBe(2);
      expect(h.queries.adjustments({ component: 'DA2' }).rows.map((r) => r.kind)).toEqual(['move-out', 'move-in', 'plan-increase']);
      expect(h.queries.adjustments({ unit: TRA_CU }).totalRows).toBe(0);
      expect(h.queries.adjustments({ unit: LANG_SON }).totalRows).toBe(4);
    });
  });

  describe('stated figures', () => {
    let h: Harness;
    const doc = decision('VQ-KH-GNBV-2025', '2024-06-30');
    beforeAll(async () => {
      h = harness(dir);
      await appendAll(
        h.store,
        figureStated(
          { assertionId: 'est-9', section: 'A.II.1', measure: 'estimate', scope: { budgetYear: 2024, sources: ['NSTW'] }, asOf: '2024-09-30', amount: '44460000000' },
          { basis: doc, recordedAt: '2024-07-02T03:00:00.000Z' },
        ),
        figureStated(
          { assertionId: 'plan', section: 'A.II.1', measure: 'plan', scope: { budgetYear: 2024, sources: ['NSTW'] }, asOf: '2024-06-30', amount: '98801000000' },
          { basis: doc, recordedAt: '2024-07-02T03:00:00.000Z' },
        ),
        figureStated(
          { assertionId: 'est-year', section: 'A.II.1', measure: 'estimate', scope: { budgetYear: 2024, sources: ['NSTW'] }, asOf: '2024-12-31', amount: '98801000000' },
          { basis: doc, recordedAt: '2024-07-03T03:00:00.000Z' },
        ),
        figureStated(
          { assertionId: 'tc', section: 'IV', measure: 'estimate', scope: { unit: TRA_CU, budgetYear: 2024 }, asOf: '2024-12-31', amount: '1000' },
          { basis: doc, recordedAt: '2024-07-03T03:00:00.000Z' },
        ),
      );
      await h.runner.catchUp();
    });
    afterAll(() => h.closeAll());

    it('gives what documents stated about one unit and year, by measure, in log order', () => {
      const r = h.queries.statedFigures({ unit: VAN_QUAN, budgetYear: 2024, measures: ['estimate'] });
      expect(r.position).toBe(4);
      expect(r.figures.map((f) => [f.position, f.figure.assertionId, f.figure.amount])).toEqual([
        [1, 'est-9', '44460000000'],
        [3, 'est-year', '98801000000'],
      ]);
    });

    it('as recorded by a time, or up to a log position', () => {
      expect(h.queries.statedFigures({ unit: VAN_QUAN, measures: ['estimate'], knownAt: '2024-07-02' }).figures.map((f) => f.figure.assertionId)).toEqual(['est-9']);
      expect(h.queries.statedFigures({ unit: VAN_QUAN, upToPosition: 2 }).figures.map((f) => f.figure.assertionId)).toEqual(['est-9', 'plan']);
    });
  });
});

import type Database from 'better-sqlite3';
import type { EventToAppend, FundLineKey, LegalBasis, LedgerEvent } from '../events';
import { Catalogue } from '../src/catalogue/catalogue';
import { ProjectionContext, catalogueContext } from '../projections/shared/context';
import type { UnitInput } from '../src/catalogue/units/unit-registry';
import { activityStream, fundLineStream } from '../src/fund-line/fund-line.key';

/**
 * A synthetic log shaped like the real programme: 63 provinces, their districts and communes, every
 * sub-project, several years. Each year: plans assigned by decision around New Year, activities
 * registered and money allocated to them in the first months, disbursements by Treasury voucher through
 * the year, outputs and completions, a few adjustments, moves and reclassifications mid-year, some
 * back-dated entries, and at year end carry-overs (keeping the origin year) and returns. Deterministic
 * for a given size and seed; the log is in recording order, as the ledger would have written it.
 */

export const PROVINCES = 63;
const COMMUNES_PER_DISTRICT = 12;
/** Roughly how many events one district produces over the years generated (calibrated on the generator). */
const EVENTS_PER_DISTRICT_YEAR = 330;

export interface SyntheticShape {
  readonly events: number;
  readonly years: readonly number[];
  readonly districts: number;
  readonly seed: number;
}

export function shapeFor(events: number, seed = 20240630): SyntheticShape {
  const years = [2022, 2023, 2024, 2025];
  const districts = Math.max(2, Math.ceil(events / (EVENTS_PER_DISTRICT_YEAR * years.length)));
  return { events, years, districts, seed };
}

/** Provinces, districts and communes of the synthetic country, as catalogue units. */
export function syntheticUnits(shape: SyntheticShape): UnitInput[] {
  const units: UnitInput[] = [];
  const perProvince = Math.ceil(shape.districts / PROVINCES);
  let d = 0;
  for (let p = 1; p <= PROVINCES; p++) {
    const province = `S${String(p).padStart(2, '0')}`;
    units.push({ code: province, level: 'province', nameVi: `Tỉnh ${p}` });
    for (let i = 1; i <= perProvince && d < shape.districts; i++, d++) {
      const district = `${province}-${String(i).padStart(3, '0')}`;
      units.push({ code: district, level: 'district', parent: province, nameVi: `Huyện ${p}.${i}` });
      for (let c = 1; c <= COMMUNES_PER_DISTRICT; c++) {
        units.push({ code: `${district}-${String(c).padStart(2, '0')}`, level: 'commune', parent: district, nameVi: `Xã ${p}.${i}.${c}` });
      }
    }
  }
  return units;
}

export function syntheticCatalogue(shape: SyntheticShape, base: Catalogue = Catalogue.load()): Catalogue {
  return base.withUnits(syntheticUnits(shape));
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Leaf components with the activity kinds that run on them and their capital type. */
const COMPONENTS: ReadonlyArray<{ component: string; content?: string; kinds: readonly string[]; capitalType: 'DTPT' | 'SN'; level: 'district' | 'commune' | 'province'; share: number }> = [
  { component: 'DA1.TDA1', content: 'HT', kinds: ['infrastructure-work'], capitalType: 'DTPT', level: 'district', share: 1 },
  { component: 'DA1.TDA1', content: 'DTBD', kinds: ['maintenance'], capitalType: 'SN', level: 'commune', share: 0.6 },
  { component: 'DA1.TDA2', content: 'HT', kinds: ['infrastructure-work'], capitalType: 'DTPT', level: 'district', share: 0.3 },
  { component: 'DA2', kinds: ['poverty-reduction-model', 'value-chain-production', 'community-production'], capitalType: 'SN', level: 'district', share: 0.9 },
  { component: 'DA3.TDA1', kinds: ['value-chain-production', 'community-production'], capitalType: 'SN', level: 'district', share: 1 },
  { component: 'DA3.TDA2', kinds: ['nutrition-support'], capitalType: 'SN', level: 'district', share: 0.5 },
  { component: 'DA4.TDA1', kinds: ['training-course', 'equipment-procurement'], capitalType: 'SN', level: 'district', share: 0.7 },
  { component: 'DA4.TDA2', kinds: ['labour-export-support'], capitalType: 'SN', level: 'province', share: 1 },
  { component: 'DA4.TDA3', kinds: ['employment-support'], capitalType: 'SN', level: 'district', share: 0.6 },
  { component: 'DA5', kinds: ['housing-support'], capitalType: 'SN', level: 'district', share: 0.8 },
  { component: 'DA6.TDA1', kinds: ['information-dissemination', 'equipment-procurement'], capitalType: 'SN', level: 'district', share: 0.5 },
  { component: 'DA6.TDA2', kinds: ['information-dissemination'], capitalType: 'SN', level: 'province', share: 1 },
  { component: 'DA7.TDA1', kinds: ['capacity-building', 'training-course'], capitalType: 'SN', level: 'district', share: 0.7 },
  { component: 'DA7.TDA2', kinds: ['monitoring-evaluation'], capitalType: 'SN', level: 'province', share: 1 },
];

const INDICATOR_OF: Readonly<Record<string, string>> = {
  'infrastructure-work': 'works',
  maintenance: 'works',
  'poverty-reduction-model': 'models',
  'value-chain-production': 'hectares',
  'community-production': 'households-supported',
  'nutrition-support': 'children',
  'training-course': 'trainees',
  'equipment-procurement': 'items',
  'labour-export-support': 'workers-abroad',
  'employment-support': 'jobs',
  'housing-support': 'houses-new',
  'information-dissemination': 'events',
  'capacity-building': 'trainees',
  'monitoring-evaluation': 'events',
};

const PROGRAMME = 'GNBV-2021-2025';

interface LineState {
  readonly key: FundLineKey;
  funds: bigint; // đồng, whole
  allocated: bigint;
  disbursed: bigint;
  readonly activities: ActivityState[];
}
interface ActivityState {
  readonly id: string;
  kind: string;
  component: string;
  allocated: bigint;
  disbursed: bigint;
  readonly disbursements: Array<{ id: string; amount: bigint }>;
}

export interface SyntheticEvent {
  readonly stream: string;
  readonly event: EventToAppend;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const date = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(Math.min(d, 28))}`;

/**
 * Generates the log, phase by phase and year by year, calling `emit` for each append group (events that
 * the ledger would append atomically, e.g. a move's two sides). Stops once `shape.events` are emitted.
 */
export function generateSyntheticLog(shape: SyntheticShape, emit: (group: readonly SyntheticEvent[]) => void): number {
  const rnd = prng(shape.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const units = syntheticUnits(shape);
  const provinces = units.filter((u) => u.level === 'province').map((u) => u.code);
  const districts = units.filter((u) => u.level === 'district');
  let emitted = 0;
  let ids = 0;
  let voucherNo = 0;
  const done = () => emitted >= shape.events;

  const make = (type: LedgerEvent['type'], data: unknown, basis: LegalBasis, effectiveDate: string, command: string, actor: string): EventToAppend => {
    ids += 1;
    const id = `00000000-0000-4000-8000-${ids.toString(16).padStart(12, '0')}`;
    // Most entries are recorded within days; about 2% are back-dated by weeks.
    const lag = rnd() < 0.02 ? between(15, 60) : between(0, 3);
    const rec = new Date(Date.parse(`${effectiveDate}T01:00:00.000Z`) + lag * 86_400_000 + Math.floor(rnd() * 36_000_000));
    return {
      type,
      version: 1,
      data: data as EventToAppend['data'],
      metadata: {
        eventId: id,
        actor: { id: actor, role: 'district-officer' },
        recordedAt: rec.toISOString(),
        effectiveDate,
        legalBasis: basis,
        correlationId: id,
        causationId: id,
        command,
      },
    };
  };
  const send = (group: SyntheticEvent[]) => {
    if (done()) return;
    emit(group);
    emitted += group.length;
  };

  // A district or province signs a few decisions a year, each covering many lines and activities.
  const decisions = new Map<string, LegalBasis[]>();
  const decisionFor = (issuer: string, purpose: string, year: number, month: number, count: number, from: number, to: number): LegalBasis => {
    const key = `${issuer}|${purpose}|${year}`;
    let list = decisions.get(key);
    if (!list) {
      list = Array.from({ length: count }, () => ({ kind: 'decision', number: `${between(from, to)}/QĐ-UBND`, date: date(year, month, between(1, 28)), issuer }) as LegalBasis);
      decisions.set(key, list);
    }
    return pick(list);
  };

  let previousYear = new Map<string, LineState>();
  for (const year of shape.years) {
    if (done()) break;
    const lines = new Map<string, LineState>();
    const lineList: Array<{ line: LineState; district: string; actor: string; issuer: string }> = [];

    // Phase 1: plans assigned (giao kế hoạch vốn), by the province for its own lines, by the district for its lines.
    for (const p of provinces) {
      const basis: LegalBasis = { kind: 'decision', number: `${between(1000, 3999)}/QĐ-UBND`, date: date(year - 1, 12, between(5, 25)), issuer: `UBND tỉnh ${p}` };
      for (const c of COMPONENTS.filter((x) => x.level === 'province')) {
        for (const source of ['NSTW', 'NSDP-TINH']) {
          const key: FundLineKey = { programme: PROGRAMME, component: c.component, budgetYear: year, originYear: year, source, capitalType: c.capitalType, unit: p };
          const amount = BigInt(between(500, 5000)) * 1_000_000n;
          const line: LineState = { key, funds: amount, allocated: 0n, disbursed: 0n, activities: [] };
          lines.set(fundLineStream(key), line);
          lineList.push({ line, district: p, actor: `so-ldtbxh-${p}`, issuer: `UBND tỉnh ${p}` });
          send([{ stream: fundLineStream(key), event: make('PlanAssigned', { line: key, amount: amount.toString() }, basis, basis.date, 'AssignPlan', `so-ldtbxh-${p}`) }]);
        }
      }
    }
    for (const d of districts) {
      if (done()) break;
      const issuer = `UBND huyện ${d.code}`;
      const actor = `phong-ldtbxh-${d.code}`;
      const basis: LegalBasis = { kind: 'decision', number: `${between(4000, 5999)}/QĐ-UBND`, date: date(year - 1, 12, between(15, 31)), issuer };
      for (const c of COMPONENTS.filter((x) => x.level !== 'province')) {
        if (rnd() > c.share) continue;
        const holders = c.level === 'commune' ? [1, 2, 3].map((i) => `${d.code}-${pad(between(1, COMMUNES_PER_DISTRICT))}`).filter((u, i, a) => a.indexOf(u) === i) : [d.code];
        for (const unit of holders) {
          for (const source of rnd() < 0.5 ? ['NSTW', 'NSDP-TINH'] : ['NSTW']) {
            const key: FundLineKey = {
              programme: PROGRAMME,
              component: c.component,
              ...(c.content ? { content: c.content } : {}),
              budgetYear: year,
              originYear: year,
              source,
              capitalType: c.capitalType,
              unit,
            };
            const scale = source === 'NSTW' ? between(800, 20000) : between(50, 2000);
            const amount = BigInt(scale) * 1_000_000n + (rnd() < 0.05 ? BigInt(between(1, 999)) * 1000n : 0n);
            const line: LineState = { key, funds: amount, allocated: 0n, disbursed: 0n, activities: [] };
            lines.set(fundLineStream(key), line);
            lineList.push({ line, district: d.code, actor, issuer });
            send([{ stream: fundLineStream(key), event: make('PlanAssigned', { line: key, amount: amount.toString() }, basis, basis.date, 'AssignPlan', actor) }]);
          }
        }
      }
    }

    // Phase 2: carry-overs from last year arrive (chuyển nguồn), keeping their origin year; returns of the rest.
    for (const prev of previousYear.values()) {
      if (done()) break;
      const left = prev.funds - prev.disbursed;
      if (left <= 0n || rnd() > 0.35) continue;
      const activity = prev.activities.reduce<ActivityState | null>((best, a) => (!best || a.allocated - a.disbursed > best.allocated - best.disbursed ? a : best), null);
      if (!activity) continue;
      const open = activity.allocated - activity.disbursed;
      const wanted = (left * BigInt(between(30, 90))) / 100n;
      const amount = wanted < open ? wanted : open;
      if (amount <= 0n) continue;
      const to: FundLineKey = { ...prev.key, budgetYear: year };
      const issuer = prev.key.unit.length <= 3 ? `UBND tỉnh ${prev.key.unit}` : `UBND huyện ${prev.key.unit.slice(0, 7)}`;
      const basis = decisionFor(issuer, 'carry-over', year, 1, 1, 100, 999);
      const carryOverId = `cn-${year}-${ids}`;
      const deadline = `${year}-12-31`;
      const data = { carryOverId, amount: amount.toString(), activityId: activity.id, deadline };
      const actor = `phong-tckh-${prev.key.unit}`;
      send([
        { stream: fundLineStream(prev.key), event: make('CarriedOver', { line: prev.key, toLine: to, ...data }, basis, basis.date, 'CarryOver', actor) },
        { stream: fundLineStream(to), event: make('CarriedIn', { line: to, fromLine: prev.key, ...data }, basis, basis.date, 'CarryOver', actor) },
      ]);
      prev.funds -= amount;
      prev.allocated -= amount;
      activity.allocated -= amount;
      const line: LineState = { key: to, funds: amount, allocated: amount, disbursed: 0n, activities: [] };
      line.activities.push({ id: activity.id, kind: activity.kind, component: activity.component, allocated: amount, disbursed: 0n, disbursements: [] });
      lines.set(fundLineStream(to), line);
      lineList.push({ line, district: prev.key.unit, actor, issuer });
      const rest = prev.funds - prev.disbursed;
      const unallocated = prev.funds - prev.allocated;
      if (rest > 0n && unallocated > 0n && rnd() < 0.4) {
        const back = unallocated < rest ? unallocated : rest;
        send([
          {
            stream: fundLineStream(prev.key),
            event: make('FundsReturned', { line: prev.key, returnId: `nt-${ids}`, mode: rnd() < 0.7 ? 'returned' : 'cancelled', amount: back.toString(), reason: 'không sử dụng hết' }, basis, basis.date, 'ReturnFunds', actor),
          },
        ]);
        prev.funds -= back;
      }
    }

    // Phase 3: activities registered and money allocated (phân bổ chi tiết).
    for (const { line, actor, issuer } of lineList) {
      if (done()) break;
      if (line.key.originYear !== year) continue;
      const c = COMPONENTS.find((x) => x.component === line.key.component) as (typeof COMPONENTS)[number];
      const n = between(2, 4);
      const basis = decisionFor(issuer, 'allocation', year, between(1, 4), 3, 100, 1999);
      let remaining = (line.funds * BigInt(between(80, 100))) / 100n;
      for (let i = 0; i < n && remaining > 0n; i++) {
        const id = `hd-${year}-${ids}`;
        const kind = pick(c.kinds);
        const unit = line.key.unit.split('-').length === 2 ? `${line.key.unit}-${pad(between(1, COMMUNES_PER_DISTRICT))}` : line.key.unit;
        const indicator = INDICATOR_OF[kind];
        send([
          {
            stream: activityStream(id),
            event: make(
              'ActivityRegistered',
              {
                activityId: id,
                name: `${kind} ${id}`,
                programme: PROGRAMME,
                component: line.key.component,
                kind,
                unit,
                communes: unit.split('-').length === 3 ? [unit] : [],
                beneficiaries: { poor: between(5, 60), 'near-poor': between(0, 30), 'ethnic-minority': between(0, 50) },
                targets: [{ indicator, quantity: indicator === 'hectares' ? `${between(1, 40)}.5` : String(between(1, 50)) }],
              },
              basis,
              basis.date,
              'RegisterActivity',
              actor,
            ),
          },
        ]);
        const amount = i === n - 1 ? remaining : (remaining * BigInt(between(20, 50))) / 100n;
        remaining -= amount;
        line.allocated += amount;
        const a: ActivityState = { id, kind, component: line.key.component, allocated: amount, disbursed: 0n, disbursements: [] };
        line.activities.push(a);
        send([{ stream: fundLineStream(line.key), event: make('FundsAllocated', { line: line.key, activityId: id, amount: amount.toString() }, basis, basis.date, 'AllocateFunds', actor) }]);
      }
    }

    // Phase 4: month by month, disbursements by voucher, outputs, and now and then an adjustment.
    for (let month = 3; month <= 12 && !done(); month++) {
      for (const { line, actor, issuer } of lineList) {
        if (done()) break;
        for (const a of line.activities) {
          if (rnd() < 0.45) continue;
          const open = a.allocated - a.disbursed;
          if (open <= 0n) continue;
          const amount = month === 12 ? (open * BigInt(between(20, 100))) / 100n : (open * BigInt(between(5, 30))) / 100n;
          if (amount <= 0n) continue;
          voucherNo += 1;
          const day = between(1, 28);
          const basis: LegalBasis = { kind: 'voucher', number: `UNC-${voucherNo}`, date: date(year, month, day), treasury: `KBNN ${line.key.unit.slice(0, 7)}` };
          const disbursementId = `gn-${voucherNo}`;
          send([
            {
              stream: fundLineStream(line.key),
              event: make('Disbursed', { line: line.key, activityId: a.id, disbursementId, amount: amount.toString() }, basis, basis.date, 'Disburse', actor),
            },
          ]);
          a.disbursed += amount;
          line.disbursed += amount;
          a.disbursements.push({ id: disbursementId, amount });
          if (rnd() < 0.01) {
            const back = { ...basis, number: `${basis.number}-TH` };
            send([
              {
                stream: fundLineStream(line.key),
                event: make('DisbursementReversed', { line: line.key, activityId: a.id, disbursementId, amount: amount.toString(), reason: 'chứng từ sai' }, back, basis.date, 'ReverseDisbursement', actor),
              },
            ]);
            a.disbursed -= amount;
            line.disbursed -= amount;
          }
        }
        if ((month === 6 || month === 12) && line.key.originYear === year) {
          for (const a of line.activities) {
            if (rnd() < 0.5) continue;
            const basis: LegalBasis = { kind: 'document', title: 'Biên bản nghiệm thu', date: date(year, month, between(1, 28)) };
            const indicator = INDICATOR_OF[a.kind];
            send([
              {
                stream: activityStream(a.id),
                event: make(
                  'OutputsRecorded',
                  {
                    activityId: a.id,
                    outputs: [{ indicator, quantity: indicator === 'hectares' ? `${between(1, 20)}.25` : String(between(1, 20)) }],
                    ...(rnd() < 0.3 ? { beneficiaries: { poor: between(5, 60) } } : {}),
                    completed: month === 12 && rnd() < 0.6,
                  },
                  basis,
                  basis.date,
                  'RecordOutputs',
                  actor,
                ),
              },
            ]);
          }
        }
        if (month === 7 && line.key.originYear === year) {
          const basis = decisionFor(issuer, 'adjustment', year, 7, 2, 2000, 2999);
          const r = rnd();
          if (r < 0.08) {
            const amount = BigInt(between(10, 500)) * 1_000_000n;
            const unallocated = line.funds - line.allocated;
            const increase = rnd() < 0.6 || unallocated < amount;
            send([
              {
                stream: fundLineStream(line.key),
                event: make('PlanAdjusted', { line: line.key, adjustmentId: `dc-${ids}`, direction: increase ? 'increase' : 'decrease', amount: amount.toString(), reason: 'điều chỉnh kế hoạch vốn' }, basis, basis.date, 'Adjust', actor),
              },
            ]);
            line.funds += increase ? amount : -amount;
          } else if (r < 0.12) {
            const target = lineList[Math.floor(rnd() * lineList.length)].line;
            const from = line.activities.find((a) => a.allocated - a.disbursed > 0n);
            if (target !== line && from && target.key.budgetYear === year) {
              const amount = (from.allocated - from.disbursed) / 2n;
              if (amount > 0n) {
                const adjustmentId = `dc-${ids}`;
                const common = { adjustmentId, amount: amount.toString(), fromActivityId: from.id, reason: 'điều chỉnh vốn giữa các dòng' };
                send([
                  { stream: fundLineStream(line.key), event: make('FundsMovedOut', { line: line.key, toLine: target.key, ...common }, basis, basis.date, 'Adjust', actor) },
                  { stream: fundLineStream(target.key), event: make('FundsMovedIn', { line: target.key, fromLine: line.key, ...common }, basis, basis.date, 'Adjust', actor) },
                ]);
                from.allocated -= amount;
                line.allocated -= amount;
                line.funds -= amount;
                target.funds += amount;
              }
            }
          }
          for (const a of line.activities) {
            if (rnd() > 0.02 || (a.kind !== 'value-chain-production' && a.kind !== 'community-production')) continue;
            const toKind = a.kind === 'value-chain-production' ? 'community-production' : 'value-chain-production';
            send([
              {
                stream: activityStream(a.id),
                event: make(
                  'ActivityReclassified',
                  { activityId: a.id, reclassificationId: `pl-${ids}`, fromKind: a.kind, toKind, fromComponent: a.component, toComponent: a.component, reason: 'điều chỉnh phân loại mô hình' },
                  basis,
                  basis.date,
                  'ReclassifyActivity',
                  actor,
                ),
              },
            ]);
            a.kind = toKind;
          }
        }
      }
    }
    previousYear = lines;
  }
  return emitted;
}

/** Writes the log straight into a SQLite event store's table, in big transactions (the store must be empty). */
export function writeSyntheticLog(db: Database.Database, shape: SyntheticShape, onProgress?: (events: number) => void): number {
  const insert = db.prepare('INSERT INTO events (stream, revision, event_id, type, version, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  let pending: SyntheticEvent[] = [];
  let written = 0;
  const flush = db.transaction((batch: SyntheticEvent[]) => {
    for (const { stream, event } of batch) {
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      insert.run(stream, revision, event.metadata.eventId, event.type, event.version, JSON.stringify(event.data), JSON.stringify(event.metadata));
    }
  });
  const total = generateSyntheticLog(shape, (group) => {
    pending.push(...group);
    if (pending.length >= 50_000) {
      flush(pending);
      written += pending.length;
      pending = [];
      onProgress?.(written);
    }
  });
  flush(pending);
  return total;
}

/** The context the read models of a synthetic log are folded with: what a rebuild thread loads (RebuildJob.context). */
export function projectionContext(events: number, seed: number): ProjectionContext {
  return catalogueContext(syntheticCatalogue(shapeFor(events, seed)));
}

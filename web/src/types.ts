/** Shapes of the ledger's answers, as documented in the README and at /docs. Money: exact decimal strings of đồng. */
import type { UnitLevel, UnitVersion as UnitPeriod } from '../../src/catalogue/units/unit-period';

export interface Named {
  readonly code: string;
  readonly nameVi: string;
  readonly nameEn?: string;
}

/** A programme's catalogue, as one file of LEDGER_CATALOGUE_DIR gives it: its lists, legal basis and validity. */
export interface ProgrammeCatalogue {
  /** The file it was read from (gnbv-2021-2025.json). */
  readonly file: string;
  readonly version: number;
  readonly description?: string;
  readonly programme: Named & {
    readonly legalBasis: readonly { readonly number: string; readonly date: string; readonly issuer: string; readonly title?: string }[];
    /** First and last day of the programme (YYYY-MM-DD): its plans' budget years lie between. */
    readonly validFrom: string;
    readonly validTo: string;
  };
  readonly components: readonly (Named & { readonly level: 'project' | 'sub-project'; readonly parent?: string; readonly contents?: readonly Named[] })[];
  readonly sources: readonly Named[];
  readonly capitalTypes: readonly Named[];
  readonly activityKinds: readonly (Named & { readonly components: readonly string[] })[];
  readonly beneficiaryCategories: readonly Named[];
  readonly indicators: readonly (Named & { readonly unit: string })[];
}

/** GET /catalogue: every configured programme, and a summary of the administrative units (listed by /catalogue/units). */
export interface CatalogueResult {
  readonly programmes: readonly ProgrammeCatalogue[];
  readonly units: { readonly versions: number; readonly snapshots: readonly string[] };
}

export type { UnitLevel };

/**
 * One administrative unit over one period, as /catalogue/units gives it (src/catalogue/units/unit-period.ts): a code
 * may name two units in two periods, the date decides.
 */
export interface UnitVersion extends UnitPeriod {
  /** The units above it (nearest first) on the day asked, else on the last day of its period. */
  readonly within: readonly { readonly code: string; readonly level: UnitLevel; readonly nameVi: string }[];
}

/** GET /catalogue/units. */
export interface UnitPage {
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly units: readonly UnitVersion[];
}

export interface FundLineKey {
  readonly programme: string;
  readonly component: string;
  readonly content?: string;
  readonly budgetYear: number;
  readonly originYear: number;
  readonly source: string;
  readonly capitalType: string;
  readonly unit: string;
}

export interface BalanceFigures {
  readonly assigned: string;
  readonly increased: string;
  readonly decreased: string;
  readonly movedIn: string;
  readonly movedOut: string;
  readonly plan: string;
  readonly carriedIn: string;
  readonly carriedOut: string;
  readonly returned: string;
  readonly funds: string;
  readonly allocated: string;
  readonly unallocated: string;
  readonly disbursed: string;
  readonly available: string;
  readonly disbursementRateOfPlan: string | null;
  readonly disbursementRateOfFunds: string | null;
  readonly disbursementRateOfAllocation: string | null;
}

export type Figures = BalanceFigures & { readonly carriedInByOriginYear: Readonly<Record<string, string>> };

export interface BalanceRow extends Figures {
  readonly group: Readonly<Record<string, string | number>>;
  readonly stream?: string;
  readonly label?: string;
  readonly lines: number;
  readonly events: number;
}

export interface BalancesResult {
  readonly position: number;
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly totalRows: number;
  readonly total: Figures & { readonly lines: number; readonly events: number };
  readonly rows: readonly BalanceRow[];
}

export type Basis =
  | { readonly kind: 'decision'; readonly number: string; readonly date: string; readonly issuer: string }
  | { readonly kind: 'voucher'; readonly number: string; readonly date: string; readonly treasury: string }
  | { readonly kind: 'document'; readonly number?: string; readonly date: string; readonly issuerOrTitle?: string };

export interface Actor {
  readonly id: string;
  readonly role: string;
}

export interface HistoryEntry {
  readonly position: number;
  readonly type: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly recordedBy: Actor;
  readonly command: string;
  readonly basis: Basis;
  readonly amount: string;
  readonly activityId?: string;
  readonly reference?: string;
  readonly counterpart?: string;
  readonly details?: Readonly<Record<string, string>>;
  readonly change: Readonly<Record<string, string>>;
  readonly balanceAfter: BalanceFigures;
}

export interface HistoryResult {
  readonly position: number;
  readonly stream: string;
  readonly label: string;
  readonly line: FundLineKey & { readonly district: string; readonly province: string };
  readonly asOf: string | null;
  readonly knownAt: string | null;
  readonly order: 'recorded' | 'effective';
  readonly page: number;
  readonly pageSize: number;
  readonly totalEntries: number;
  readonly balance: BalanceFigures;
  readonly entries: readonly HistoryEntry[];
}

export type ActivityStatus = 'registered' | 'allocated' | 'disbursing' | 'completed';

export interface ProgressFigures {
  readonly activities: number;
  readonly byStatus: Readonly<Record<ActivityStatus, number>>;
  readonly allocated: string;
  readonly disbursed: string;
  readonly disbursementRateOfAllocation: string | null;
  readonly beneficiaries: Readonly<Record<string, number>>;
  readonly outputs: readonly { indicator: string; unit: string; target: string | null; achieved: string; rateOfTarget: string | null }[];
}

export interface ProgressComponent extends ProgressFigures {
  readonly component: string;
  readonly name: string;
  readonly project: string;
  readonly money: BalanceFigures;
  readonly byKind: readonly (ProgressFigures & { readonly kind: string; readonly name: string })[];
}

export interface ProgressResult {
  readonly position: number;
  readonly components: readonly ProgressComponent[];
}

export interface Finding {
  readonly kind: string;
  readonly severity: string;
  readonly document: { readonly id: string; readonly title: string };
  readonly section: string;
  readonly assertionId: string;
  readonly quote?: string;
  readonly measure?: string;
  readonly scope?: string;
  readonly asOf?: string;
  readonly unit?: string;
  readonly stated?: string;
  readonly ledger?: string;
  readonly difference?: string;
  readonly parts?: readonly { assertionId: string; stated: string }[];
  readonly related?: readonly { assertionId: string; section: string; stated: string }[];
  readonly hint?: string;
  readonly message: string;
}

export interface ReconciliationResult {
  readonly position: number;
  readonly assertions: number;
  readonly checks: number;
  readonly holding: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly findings: readonly Finding[];
}

export interface DecisionRef {
  readonly number: string;
  readonly issuer: string;
  readonly date: string;
}

export interface DecisionSummary extends DecisionRef {
  readonly events: number;
  readonly firstRecordedAt: string;
  readonly lastRecordedAt: string;
  readonly firstEffectiveDate: string;
  readonly lastEffectiveDate: string;
  readonly byType: Readonly<Record<string, number>>;
}

export interface Paged<T> {
  readonly position: number;
  readonly page: number;
  readonly pageSize: number;
  readonly totalRows: number;
  readonly rows: readonly T[];
}

export interface ActivityView {
  readonly kind: string;
  readonly component: string;
  readonly status: ActivityStatus;
  readonly allocated: string;
  readonly disbursed: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface TrailEvent {
  readonly position: number;
  readonly decision: DecisionRef;
  readonly type: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly recordedBy: Actor;
  readonly command: string;
  readonly amount?: string;
  readonly reference?: string;
  readonly details?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly line?: { readonly stream: string; readonly label: string; readonly change: Readonly<Record<string, string>>; readonly before: BalanceFigures; readonly after: BalanceFigures };
  readonly activity?: { readonly activityId: string; readonly before: ActivityView | null; readonly after: ActivityView | null };
}

export interface TrailResult {
  readonly position: number;
  readonly decisions: readonly DecisionSummary[];
  readonly page: number;
  readonly pageSize: number;
  readonly totalEvents: number;
  readonly events: readonly TrailEvent[];
}

export interface AdjustmentRow {
  readonly position: number;
  readonly kind: string;
  readonly reference: string;
  readonly effectiveDate: string;
  readonly recordedAt: string;
  readonly recordedBy: Actor;
  readonly decision: DecisionRef | null;
  readonly unit: string;
  readonly component: string;
  readonly otherComponent: string | null;
  readonly stream: string | null;
  readonly counterpart: string | null;
  readonly activityId: string | null;
  readonly amount: string | null;
  readonly fromKind: string | null;
  readonly toKind: string | null;
  readonly reason: string;
  readonly recordedDaysAfterEffect: number;
  readonly activityDisbursedBefore: string | null;
}

export interface JournalOutcome {
  readonly status: 'imported' | 'already-imported' | 'valid';
  readonly journal: string;
  readonly digest: string;
  readonly entries: number;
  readonly events: number;
  readonly firstPosition?: number;
  readonly lastPosition?: number;
}

/** GET /reports/resources (JSON): the report table at a log position, every figure with its query. */
export interface ReportCell {
  readonly kind: 'money' | 'rate' | 'quantity' | 'count' | 'text';
  readonly value: string | null;
  readonly query?: { readonly get?: readonly string[]; readonly expression: string };
}

export interface ReportRow {
  readonly level: 'total' | 'project' | 'subProject' | 'content' | 'source' | 'capitalType';
  readonly stt: string;
  readonly label: string;
  readonly sourceLabel: string;
  readonly capitalTypeLabel: string;
  readonly cells: Readonly<Record<string, ReportCell>>;
}

export interface ReportColumn {
  readonly id: string;
  readonly header: string;
  readonly group?: string;
  readonly kind: ReportCell['kind'];
}

export interface ResourcesReportJson {
  readonly parameters: { readonly programme: string; readonly unit: string; readonly budgetYear: number; readonly from: string; readonly asOf: string; readonly knownAt: string | null; readonly position: number };
  readonly provenance: { readonly position: number; readonly treeSize: number; readonly rootHash: string; readonly treeHead: { readonly treeSize: number; readonly timestamp: string; readonly signature: string } };
  readonly unit: { readonly code: string; readonly name: string };
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
}

/** POST /reports/verify. */
export interface ReportVerification {
  readonly ok: boolean;
  readonly format: 'xlsx' | 'csv' | 'json';
  readonly params: { readonly unit: string; readonly budgetYear: number; readonly position: number };
  readonly cellsCompared: number;
  readonly differences: readonly { readonly where: string; readonly name?: string; readonly file: string | null; readonly ledger: string | null }[];
  readonly tree: { readonly matches: boolean };
  readonly treeHead: { readonly signed: boolean; readonly rootMatches: boolean; readonly coversPosition: boolean };
}

/** GET /red-flags/rules: each rule with its title and description (thresholds filled in) in both languages. */
export interface RedFlagRule {
  readonly rule: string;
  readonly enabled: boolean;
  readonly evaluated: 'as-events-arrive' | 'when-asked';
  readonly title: { readonly vi: string; readonly en: string };
  readonly description: { readonly vi: string; readonly en: string };
}

/** One evidence event of a red flag, with what the decision trail and the line's history are found by. */
export interface RedFlagEvidence {
  readonly position: number;
  readonly role: 'subject' | 'context';
  readonly type: string;
  readonly stream: string | null;
  readonly effectiveDate: string | null;
  readonly recordedAt: string | null;
  readonly recordedBy: Actor | null;
  readonly amount?: string;
  readonly activityId?: string;
  readonly basis?: Basis;
  readonly decision?: DecisionRef;
  readonly figure?: { readonly documentId: string; readonly documentTitle: string; readonly section: string; readonly measure: string; readonly asOf: string; readonly amount: string | null };
}

export interface RedFlagReview {
  readonly position: number;
  readonly note: string;
  readonly by: Actor;
  readonly recordedAt: string;
  readonly evidenceCount: number;
}

export interface RedFlag {
  readonly id: string;
  readonly rule: string;
  readonly title: { readonly vi: string; readonly en: string };
  readonly subject: string;
  readonly unit: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly amount: string | null;
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;
  readonly computed: boolean;
  readonly evidenceCount: number;
  readonly evidence: readonly RedFlagEvidence[];
  readonly review: { readonly reviews: number; readonly last: RedFlagReview; readonly newEvidence: boolean } | null;
}

export interface RedFlagList extends Paged<RedFlag> {
  readonly asOf: string;
  readonly byRule: Readonly<Record<string, number>>;
}

import { OutsideScope } from '../projections/read-model-queries';
import type { ProjectionContext } from '../../projections/shared/context';
import type { SignedTreeHead } from '../audit/verifier/formats';
import type { Catalogue } from '../catalogue/catalogue';
import type { ReadQueries } from '../projections/read-queries';
import { PositionNotReached } from '../projections/read-model-queries';
import { InvalidRequest } from '../shared/errors';
import { Provenance, ResourcesDocument } from './layout';
import { CellDifference, readReportFile } from './report-files';
import { parseReportRequest, ReportParams, ReportRequest } from './report-params';
import { IatiExporter } from './iati';
import { ResourcesReportBuilder } from './resources';

/** What reports need of the audit log, through the audit service (whatever its Merkle log looks like inside). */
export interface ReportAudit {
  /** The tree of the events up to a position and the latest signed head covering it (signed now if none does). */
  treeHeadCovering(position: number): Promise<Provenance>;
  /** The tree of the events up to a position, as the log has it now. */
  treeAt(position: number): Promise<{ readonly treeSize: number; readonly rootHash: string }>;
  /** Whether a head is signed by this ledger's key and the log still has its root at its size. */
  checkTreeHead(head: SignedTreeHead): Promise<{ readonly signed: boolean; readonly rootMatches: boolean }>;
}

/** What reports need of the read side: its queries, and how far it has followed the log. */
export interface ReportReadSide {
  readonly queries: ReadQueries;
  readonly catalogue: Catalogue;
  readonly ctx: ProjectionContext;
  /** The read models' position now. */
  position(): number;
  /** Resolves true once the read models reflect `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean>;
  /** The head of the log. */
  head(): Promise<number>;
}

/**
 * The units a caller may see: every unit, or the subtrees of some. Every report question passes through
 * `authorize` with the caller's scope; real identity (roles scoped to units) supplies it in one place.
 */
export type UnitScope = { readonly all: true } | { readonly units: readonly string[] };
export const ALL_UNITS: UnitScope = { all: true };

/** A report asked for a unit outside the caller's scope (HTTP 403, FORBIDDEN): the read models' own refusal. */
export { OutsideScope };

export interface ReportVerification {
  readonly ok: boolean;
  readonly format: 'xlsx' | 'csv' | 'json';
  readonly params: ReportParams;
  readonly cellsCompared: number;
  readonly differences: readonly CellDifference[];
  /** The tree of the events up to the report's position: as the file carries it, and as the log has it now. */
  readonly tree: { readonly file: { treeSize: number; rootHash: string }; readonly log: { treeSize: number; rootHash: string }; readonly matches: boolean };
  /** The signed tree head the file carries: signed by this ledger, and still the log's root at its size. */
  readonly treeHead: { readonly head: SignedTreeHead; readonly signed: boolean; readonly rootMatches: boolean; readonly coversPosition: boolean };
}

const WAIT_MS = 2000;

/**
 * Reports from the ledger: each computed at a log position and carrying it, with the tree of the events up to there
 * and a signed tree head covering it; and the check of a filed report against the log at its position.
 */
export class ReportService {
  private readonly builder: ResourcesReportBuilder;
  private readonly iatiExporter: IatiExporter;

  constructor(
    private readonly read: ReportReadSide,
    private readonly audit: ReportAudit,
  ) {
    this.builder = new ResourcesReportBuilder(read.queries, read.catalogue, read.ctx);
    this.iatiExporter = new IatiExporter(read.queries, read.catalogue, read.ctx);
  }

  /** Refuses a unit outside the scope: the one place a caller's units are checked. */
  authorize(scope: UnitScope, unit: string, budgetYear: number): void {
    if ('all' in scope) return;
    const ancestors = [unit, ...this.read.catalogue.unitAncestors(unit, budgetYear)];
    if (!scope.units.some((u) => ancestors.includes(u))) {
      throw new OutsideScope(`unit ${unit} is outside the units this caller may see (${scope.units.join(', ')})`);
    }
  }

  /** Parameters of a request, with the position it is computed at: the one asked for, or the read models' now. */
  async resolve(request: ReportRequest, scope: UnitScope): Promise<ReportParams> {
    const parsed = parseReportRequest(request, this.read.catalogue);
    this.authorize(scope, parsed.unit, parsed.budgetYear);
    let position = parsed.position;
    if (position === undefined) position = this.read.position();
    else await this.reach(position);
    return { ...parsed, position };
  }

  /** The resources report: the figures at the position, and where in the log they come from. */
  async resources(request: ReportRequest, scope: UnitScope, now: Date = new Date()): Promise<ResourcesDocument> {
    const params = await this.resolve(request, scope);
    return this.document(params, now);
  }

  async document(params: ReportParams, now: Date = new Date()): Promise<ResourcesDocument> {
    const report = await this.builder.build(params);
    const provenance = await this.audit.treeHeadCovering(params.position);
    return { report, provenance, generatedAt: now.toISOString() };
  }

  /** IATI 2.03 activity XML of the unit's programme activities in the year, at the position, with its provenance. */
  async iati(request: ReportRequest, scope: UnitScope, now: Date = new Date()): Promise<{ readonly params: ReportParams; readonly xml: string }> {
    const params = await this.resolve(request, scope);
    const provenance = await this.audit.treeHeadCovering(params.position);
    return { params, xml: await this.iatiExporter.export(params, provenance, now.toISOString()) };
  }

  /**
   * `ledger report verify`: recomputes every cell of a filed report from the log at the report's position and names
   * each one that differs; checks that the log up to that position is still the one whose tree the file carries, and
   * that the signed tree head it carries is this ledger's.
   */
  async verify(file: Buffer, scope: UnitScope): Promise<ReportVerification> {
    const filed = await readReportFile(file);
    const { params } = filed;
    this.authorize(scope, params.unit, params.budgetYear);
    await this.reach(params.position);
    const report = await this.builder.build(params);
    const tree = await this.audit.treeAt(params.position);
    const head = filed.provenance.treeHead;
    const check = await this.audit.checkTreeHead(head);
    const recomputed: ResourcesDocument = {
      report,
      provenance: { position: params.position, treeSize: tree.treeSize, rootHash: tree.rootHash, treeHead: head },
      generatedAt: filed.generatedAt,
    };
    const { differences, cellsCompared } = filed.compare(recomputed);
    const treeMatches = tree.treeSize === filed.provenance.treeSize && tree.rootHash === filed.provenance.rootHash;
    const coversPosition = head.treeSize >= tree.treeSize;
    return {
      ok: differences.length === 0 && treeMatches && check.signed && check.rootMatches && coversPosition,
      format: filed.format,
      params,
      cellsCompared,
      differences,
      tree: { file: { treeSize: filed.provenance.treeSize, rootHash: filed.provenance.rootHash }, log: tree, matches: treeMatches },
      treeHead: { head, ...check, coversPosition },
    };
  }

  /** A position must be in the log, and the read models must reach it (within ~2 s) before a report is computed at it. */
  private async reach(position: number): Promise<void> {
    const head = await this.read.head();
    if (position > head) throw InvalidRequest.field('position', `the log has ${head} events: position ${position} is not in it yet`);
    if (!(await this.read.waitFor(position, WAIT_MS))) throw new PositionNotReached(this.read.position(), position);
  }
}

import {
  EVENT_SCHEMA_VERSION,
  FUND_LINE_EVENT_TYPES,
  LEDGER_EVENT_TYPES,
  NOTE_EVENT_TYPES,
  USER_EVENT_TYPES,
  type EventToAppend,
  type LedgerEventType,
} from '../../events';
import { amountProblem } from '../money/money';
import type { StreamAppend } from '../store/event-store.port';
import { textProblem } from '../shared/validation/text-rules';
import { calendarDateProblem, labelProblem } from '../shared/validation/validators';

/**
 * What every event the ledger records must be, checked on the events themselves just before they are appended: the
 * last gate, behind the request validation and the deciders, so that a gap in either (a DTO that let a list through
 * where a decision belongs) is refused instead of stored forever. Every read model folds what passes.
 *
 *  - a known type at its current schema version; data and metadata plain JSON (finite numbers, no undefined);
 *  - every text within the text rules (no control or bidi characters, no lone surrogates);
 *  - metadata: an event id, an actor, a recording instant, an effective date within the ledger's dates, a legal
 *    basis with what its kind requires (a decision: number, date and issuer; a voucher: number, date and treasury;
 *    a document: title and date), correlation, causation and command. Account events and notes carry a legal basis
 *    only when one was cited (events/metadata.ts); when they do, it is checked the same way;
 *  - a fund-line event: its line (and the line it moves money to or from) named by every dimension, and a positive
 *    amount within the ceiling.
 */

/** Events that break an invariant were about to be appended: a defect of the ledger. Nothing was stored. */
export class EventInvariantViolated extends Error {
  override readonly name = 'EventInvariantViolated';

  constructor(readonly problems: readonly string[]) {
    super(`refused to record events that break the ledger's invariants: ${problems.slice(0, 10).join('; ')}`);
  }
}

const FUND_LINE = new Set<string>(FUND_LINE_EVENT_TYPES);
/** Events whose legal basis is optional: accounts (user-*) and auditors' notes. */
const BASIS_OPTIONAL = new Set<string>([...USER_EVENT_TYPES, ...NOTE_EVENT_TYPES]);
const KNOWN = new Set<string>(LEDGER_EVENT_TYPES);
const LINE_TEXT = ['programme', 'component', 'source', 'capitalType', 'unit'] as const;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function jsonProblems(value: unknown, field: string, out: string[]): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push(`${field} ${problem}`);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${field} is not a finite number`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => (v === undefined ? out.push(`${field}[${i}] is undefined`) : jsonProblems(v, `${field}[${i}]`, out)));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) if (v !== undefined) jsonProblems(v, `${field}.${k}`, out);
  } else if (value !== null && typeof value !== 'boolean') {
    out.push(`${field} is a ${typeof value}, not JSON`);
  }
}

function lineProblems(line: unknown, field: string, out: string[]): void {
  if (!isRecord(line)) return void out.push(`${field} is not a fund line`);
  for (const d of LINE_TEXT) if (!isText(line[d])) out.push(`${field}.${d} is missing`);
  for (const y of ['budgetYear', 'originYear']) {
    const v = line[y];
    if (!Number.isInteger(v) || (v as number) < 2000 || (v as number) > 2100) out.push(`${field}.${y} is not a year from 2000 to 2100`);
  }
}

const BASIS_FIELDS: Readonly<Record<string, readonly string[]>> = {
  decision: ['number', 'issuer'],
  voucher: ['number', 'treasury'],
  document: ['title'],
};

function basisProblems(basis: unknown, out: string[]): void {
  if (!isRecord(basis)) return void out.push('metadata.legalBasis is not an object');
  const required = BASIS_FIELDS[String(basis.kind)];
  if (!required) return void out.push(`metadata.legalBasis.kind "${String(basis.kind)}" is not decision, voucher or document`);
  for (const f of required) {
    const v = basis[f];
    if (!isText(v) || labelProblem(v)) out.push(`metadata.legalBasis.${f} of a ${String(basis.kind)} is missing or not one line of text`);
  }
  const date = calendarDateProblem(basis.date);
  if (date) out.push(`metadata.legalBasis.date ${date}`);
}

/** Every invariant one event breaks, each as "where: what". */
export function eventProblems(e: EventToAppend): string[] {
  const out: string[] = [];
  if (!KNOWN.has(e.type)) out.push(`type "${String(e.type)}" is not an event of the ledger`);
  else if (e.version !== EVENT_SCHEMA_VERSION[e.type as LedgerEventType]) out.push(`${e.type} is at version ${e.version}, not the current one`);
  jsonProblems(e.data, 'data', out);
  jsonProblems(e.metadata, 'metadata', out);
  const m = e.metadata as unknown as Record<string, unknown>;
  if (!isRecord(m)) return [...out, 'metadata is not an object'];
  for (const f of ['eventId', 'recordedAt', 'correlationId', 'causationId', 'command']) if (!isText(m[f])) out.push(`metadata.${f} is missing`);
  if (!isRecord(m.actor) || !isText(m.actor.id) || !isText(m.actor.role)) out.push('metadata.actor is not { id, role }');
  if (isText(m.recordedAt) && Number.isNaN(Date.parse(m.recordedAt))) out.push('metadata.recordedAt is not an instant');
  const effective = calendarDateProblem(m.effectiveDate);
  if (effective) out.push(`metadata.effectiveDate ${effective}`);
  if (m.legalBasis !== undefined || !BASIS_OPTIONAL.has(e.type)) basisProblems(m.legalBasis, out);
  if (FUND_LINE.has(e.type)) {
    const data = e.data as Record<string, unknown>;
    lineProblems(data?.line, 'data.line', out);
    for (const other of ['toLine', 'fromLine']) if (data?.[other] !== undefined) lineProblems(data[other], `data.${other}`, out);
    const amount = amountProblem(data?.amount);
    if (amount) out.push(`data.amount ${amount}`);
  }
  return out.map((p) => `${e.type} ${String((m as { eventId?: unknown }).eventId ?? '')}: ${p}`);
}

/** Throws EventInvariantViolated, naming every problem, if any event of the appends breaks an invariant. */
export function assertEventInvariants(appends: readonly StreamAppend[]): void {
  const problems = appends.flatMap((a) => a.events.flatMap(eventProblems));
  if (problems.length > 0) throw new EventInvariantViolated(problems);
}

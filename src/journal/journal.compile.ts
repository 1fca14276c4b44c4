import type { FigureDocument, FigureMeasure, FigureScope, StatedRate } from '../../events';
import {
  adjustInput,
  allocateFundsInput,
  assignPlanInput,
  carryOverInput,
  disburseInput,
  reclassifyActivityInput,
  recordOutputsInput,
  registerActivityInput,
  returnFundsInput,
  reverseDisbursementInput,
} from '../api/command-inputs';
import {
  AdjustDto,
  AllocateFundsDto,
  AssignPlanDto,
  CarryOverDto,
  DisburseDto,
  ReclassifyActivityDto,
  RecordOutputsDto,
  RegisterActivityDto,
  ReturnFundsDto,
  ReverseDisbursementDto,
} from '../api/dto/commands.dto';
import { ID_PATTERN } from '../shared/validation/validators';
import { validateBody } from '../shared/validation/problems';
import type { Catalogue } from '../catalogue/catalogue';
import {
  DecisionSpec,
  adjustSpec,
  allocateFundsSpec,
  assignPlanSpec,
  carryOverSpec,
  disburseSpec,
  reclassifyActivitySpec,
  recordOutputsSpec,
  registerActivitySpec,
  returnFundsSpec,
  reverseDisbursementSpec,
} from '../commands/command-specs';
import { FieldProblem, InvalidCommand } from '../shared/errors';
import { StateFigure, stateFigureSpec } from './figure/state-figure.decide';
import { ENTRY_KINDS, EntryKind, JOURNAL_FORMAT_VERSION, JournalProblem } from './journal.format';
import { parseAmount, parseDate, parsePercent, parseQuantity } from './vietnamese-numbers';

type Obj = Record<string, unknown>;

/** A document the journal's figures come from. */
export interface JournalDocument extends FigureDocument {
  readonly date: string;
  readonly asOf?: string;
  readonly note?: string;
}

export interface JournalHeader {
  readonly id: string;
  readonly title?: string;
  readonly defaults: { readonly programme?: string; readonly unit?: string; readonly year?: number };
  readonly documents: ReadonlyMap<string, JournalDocument>;
}

/** One entry, ready to decide: the same spec the HTTP handler would run. */
export interface CompiledEntry {
  readonly index: number;
  readonly id: string;
  readonly line?: number;
  readonly kind: EntryKind;
  readonly spec: DecisionSpec;
  /** For a figure: its document and the ids it refers to (parts, rate base), checked across the file. */
  readonly figure?: { readonly document: string; readonly refs: readonly { field: string; id: string }[] };
}

export interface CompiledJournal {
  readonly header: JournalHeader | null;
  readonly entries: readonly CompiledEntry[];
  readonly entryCount: number;
  readonly problems: readonly JournalProblem[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const HEADER_KEYS = ['journal', 'id', 'title', 'description', 'defaults', 'documents', 'decisions', 'vouchers', 'entries'];

/** Problems of one place (the header or one entry), with field paths relative to it. */
class Problems {
  readonly list: FieldProblem[] = [];
  protected readonly fields = new Set<string>();
  add(field: string, problem: string): void {
    this.list.push({ field, problem });
    this.fields.add(field);
  }
  /** Whether a problem was already reported at this field or under it (the DTO would only repeat it). */
  has(field: string): boolean {
    return [...this.fields].some((f) => f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`));
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

function unknownKeys(obj: Obj, allowed: readonly string[], field: string, p: Problems): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) p.add(field ? `${field}.${k}` : k, `unknown field; expected one of: ${allowed.join(', ')}`);
  }
}

function str(obj: Obj, key: string, field: string, p: Problems, required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) p.add(field, 'is required');
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(field, 'must be text');
    return undefined;
  }
  return v;
}

function date(obj: Obj, key: string, field: string, p: Problems, required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) p.add(field, 'is required');
    return undefined;
  }
  const d = parseDate(v);
  if (typeof d !== 'string') {
    p.add(field, d.problem);
    return undefined;
  }
  return d;
}

/** Reads the header and the named references (documents, decisions, vouchers). */
class References {
  readonly decisions = new Map<string, Obj>();
  readonly vouchers = new Map<string, Obj>();
  readonly documents = new Map<string, JournalDocument>();

  constructor(root: Obj, p: Problems) {
    const section = (key: string): Obj => {
      const v = root[key];
      if (v === undefined) return {};
      if (!isObj(v)) {
        p.add(key, 'must be a mapping of names to entries');
        return {};
      }
      return v;
    };
    for (const [name, raw] of Object.entries(section('decisions'))) {
      const f = `decisions.${name}`;
      if (!isObj(raw)) {
        p.add(f, 'must be { number, date, issuer }');
        continue;
      }
      unknownKeys(raw, ['number', 'date', 'issuer', 'title', 'note'], f, p);
      const number = str(raw, 'number', `${f}.number`, p, true);
      const d = date(raw, 'date', `${f}.date`, p, true);
      const issuer = str(raw, 'issuer', `${f}.issuer`, p, true);
      if (number && d && issuer) this.decisions.set(name, { number, date: d, issuer });
    }
    for (const [name, raw] of Object.entries(section('vouchers'))) {
      const f = `vouchers.${name}`;
      if (!isObj(raw)) {
        p.add(f, 'must be { number, date, treasury }');
        continue;
      }
      unknownKeys(raw, ['number', 'date', 'treasury', 'note'], f, p);
      const number = str(raw, 'number', `${f}.number`, p, true);
      const d = date(raw, 'date', `${f}.date`, p, true);
      const treasury = str(raw, 'treasury', `${f}.treasury`, p, true);
      if (number && d && treasury) this.vouchers.set(name, { number, date: d, treasury });
    }
    for (const [id, raw] of Object.entries(section('documents'))) {
      const f = `documents.${id}`;
      if (!ID_PATTERN.test(id)) p.add(f, 'a document id is 1-100 letters, digits, ".", "_", ":" or "-"');
      if (!isObj(raw)) {
        p.add(f, 'must be { title, issuer, date, ... }');
        continue;
      }
      unknownKeys(raw, ['title', 'issuer', 'number', 'date', 'asOf', 'note'], f, p);
      const title = str(raw, 'title', `${f}.title`, p, true);
      const issuer = str(raw, 'issuer', `${f}.issuer`, p, false);
      const number = str(raw, 'number', `${f}.number`, p, false);
      const d = date(raw, 'date', `${f}.date`, p, true);
      const asOf = date(raw, 'asOf', `${f}.asOf`, p, false);
      const note = str(raw, 'note', `${f}.note`, p, false);
      if (title && d) {
        this.documents.set(id, {
          id,
          title,
          date: d,
          ...(issuer ? { issuer } : {}),
          ...(number ? { number } : {}),
          ...(asOf ? { asOf } : {}),
          ...(note ? { note } : {}),
        });
      }
    }
  }

  /** A decision by name, or written out in the entry. */
  decision(v: unknown, field: string, p: Problems): Obj | undefined {
    return this.resolve(v, field, p, this.decisions, 'decisions', ['number', 'date', 'issuer'], 'issuer');
  }

  voucher(v: unknown, field: string, p: Problems): Obj | undefined {
    return this.resolve(v, field, p, this.vouchers, 'vouchers', ['number', 'date', 'treasury'], 'treasury');
  }

  document(v: unknown, field: string, p: Problems): JournalDocument | undefined {
    if (typeof v !== 'string') {
      p.add(field, 'must name one of the journal\'s documents');
      return undefined;
    }
    const d = this.documents.get(v);
    if (!d) p.add(field, `unknown document "${v}"; the journal lists: ${[...this.documents.keys()].join(', ') || 'none'}`);
    return d;
  }

  private resolve(
    v: unknown,
    field: string,
    p: Problems,
    named: Map<string, Obj>,
    section: string,
    keys: readonly string[],
    issuerKey: string,
  ): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') {
      const found = named.get(v);
      if (!found) p.add(field, `unknown ${section.slice(0, -1)} "${v}"; the journal's ${section}: ${[...named.keys()].join(', ') || 'none'}`);
      return found;
    }
    if (!isObj(v)) {
      p.add(field, `must name one of the journal's ${section} or write it out as { ${keys.join(', ')} }`);
      return undefined;
    }
    const d = v.date === undefined ? undefined : parseDate(v.date);
    if (d !== undefined && typeof d !== 'string') {
      p.add(`${field}.date`, d.problem);
      return undefined;
    }
    return { ...v, ...(d !== undefined ? { date: d } : {}), [issuerKey]: v[issuerKey] };
  }
}

/** Compiles a journal's plain data to decision specs, collecting every problem with its entry. */
export function compileJournal(value: unknown, catalogue: Catalogue, entryLines: readonly number[] = []): CompiledJournal {
  const problems: JournalProblem[] = [];
  const headerProblems = new Problems();
  if (!isObj(value)) {
    return { header: null, entries: [], entryCount: 0, problems: [{ field: '(file)', problem: 'a journal is a mapping with journal, id, entries' }] };
  }
  unknownKeys(value, HEADER_KEYS, '', headerProblems);
  if (value.journal !== JOURNAL_FORMAT_VERSION) {
    headerProblems.add('journal', `must be ${JOURNAL_FORMAT_VERSION} (the journal format version)`);
  }
  const id = str(value, 'id', 'id', headerProblems, true);
  if (id && !ID_PATTERN.test(id)) headerProblems.add('id', 'must be 1-100 letters, digits, ".", "_", ":" or "-"');
  const title = str(value, 'title', 'title', headerProblems, false);
  const defaults: { programme?: string; unit?: string; year?: number } = {};
  if (value.defaults !== undefined) {
    if (!isObj(value.defaults)) headerProblems.add('defaults', 'must be { programme, unit, year }');
    else {
      unknownKeys(value.defaults, ['programme', 'unit', 'year'], 'defaults', headerProblems);
      const d = value.defaults;
      if (d.programme !== undefined) defaults.programme = str(d, 'programme', 'defaults.programme', headerProblems, true);
      if (d.unit !== undefined) defaults.unit = unitCode(d.unit, 'defaults.unit', headerProblems);
      if (d.year !== undefined) {
        if (Number.isInteger(d.year)) defaults.year = d.year as number;
        else headerProblems.add('defaults.year', 'must be a year such as 2024');
      }
    }
  }
  const refs = new References(value, headerProblems);
  problems.push(...headerProblems.list);
  const header: JournalHeader = { id: id ?? '', ...(title ? { title } : {}), defaults, documents: refs.documents };

  if (!Array.isArray(value.entries)) {
    problems.push({ field: 'entries', problem: 'is required: the list of entries' });
    return { header, entries: [], entryCount: 0, problems };
  }
  const seen = new Map<string, number>();
  const entries: CompiledEntry[] = [];
  value.entries.forEach((raw, index) => {
    const line = entryLines[index] || undefined;
    const p = new Problems();
    const entryId = isObj(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const compiled = compileEntry(raw, index, { catalogue, refs, defaults }, p);
    if (entryId !== undefined) {
      const first = seen.get(entryId);
      if (first !== undefined) p.add('id', `"${entryId}" is also the id of entry ${first}; entry ids are unique in a journal`);
      else seen.set(entryId, index);
    }
    if (!p.empty || !compiled) {
      for (const fp of p.list) problems.push({ entry: index, ...(entryId ? { id: entryId } : {}), ...(line ? { line } : {}), ...fp });
      return;
    }
    entries.push({ ...compiled, index, ...(line ? { line } : {}) });
  });
  return { header, entries, entryCount: value.entries.length, problems };
}

interface Context {
  readonly catalogue: Catalogue;
  readonly refs: References;
  readonly defaults: { readonly programme?: string; readonly unit?: string; readonly year?: number };
}

function unitCode(v: unknown, field: string, p: Problems): string | undefined {
  if (typeof v === 'number') {
    p.add(field, `unit codes are text: write "${v}" in quotes (a number loses leading zeros, as in "076")`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') {
    p.add(field, 'must be an official unit code such as "184"');
    return undefined;
  }
  return v;
}

function compileEntry(raw: unknown, index: number, ctx: Context, p: Problems): Omit<CompiledEntry, 'index' | 'line'> | null {
  if (!isObj(raw)) {
    p.add('', 'an entry is a mapping: { id, <kind>: {...} }');
    return null;
  }
  const kinds = ENTRY_KINDS.filter((k) => raw[k] !== undefined);
  unknownKeys(raw, ['id', 'note', ...ENTRY_KINDS], '', p);
  const id = raw.id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    p.add('id', 'is required: 1-100 letters, digits, ".", "_", ":" or "-", unique in the journal');
  }
  if (raw.note !== undefined && typeof raw.note !== 'string') p.add('note', 'must be text');
  if (kinds.length !== 1) {
    p.add('', kinds.length === 0 ? `says nothing: give one of ${ENTRY_KINDS.join(', ')}` : `has ${kinds.join(' and ')}: one kind per entry`);
    return null;
  }
  const kind = kinds[0];
  const body = raw[kind];
  if (!isObj(body)) {
    p.add(kind, 'must be a mapping');
    return null;
  }
  if (typeof id !== 'string') return null;
  const scoped = new ScopedProblems(p, kind);
  try {
    const result = compileBody(kind, body, id, ctx, scoped);
    if (!result || !p.empty) return null;
    return { id, kind, ...result };
  } catch (error) {
    if (error instanceof InvalidCommand) {
      for (const fp of error.problems) p.add(`${kind}.${fp.field}`, fp.problem);
      return null;
    }
    throw error;
  }
}

/** Problems of an entry's body: fields are prefixed with the entry kind ("allocate.amount"). */
class ScopedProblems extends Problems {
  constructor(
    private readonly parent: Problems,
    private readonly prefix: string,
  ) {
    super();
  }
  override add(field: string, problem: string): void {
    this.fields.add(field);
    this.parent.add(field ? `${this.prefix}.${field}` : this.prefix, problem);
  }
  override get empty(): boolean {
    return this.parent.empty;
  }
}

/** A fund line with the journal's defaults: programme, unit, and `year` for budgetYear (and originYear). */
function line(v: unknown, field: string, ctx: Context, p: Problems): Obj | undefined {
  if (!isObj(v)) {
    p.add(field, 'must be a fund line { component, year, source, capitalType, ... }');
    return undefined;
  }
  const { year, ...rest } = v;
  const budgetYear = rest.budgetYear ?? year ?? ctx.defaults.year;
  const out: Obj = {
    programme: ctx.defaults.programme,
    unit: ctx.defaults.unit,
    ...rest,
    budgetYear,
    originYear: rest.originYear ?? budgetYear,
  };
  if (rest.unit !== undefined) out.unit = unitCode(rest.unit, `${field}.unit`, p);
  return out;
}

function amount(v: unknown, field: string, p: Problems): string | undefined {
  if (v === undefined) return undefined;
  const parsed = parseAmount(v);
  if (typeof parsed === 'string') {
    p.add(field, parsed);
    return undefined;
  }
  return parsed.dong;
}

function optionalDate(body: Obj, key: string, p: Problems): string | undefined {
  return date(body, key, key, p, false);
}

/** Targets or outputs as a mapping { indicator: quantity } or a list [{ indicator, quantity }]. */
function quantities(v: unknown, field: string, p: Problems): { indicator: string; quantity: string }[] | undefined {
  if (v === undefined) return undefined;
  const pairs: [string, unknown][] = isObj(v)
    ? Object.entries(v)
    : Array.isArray(v)
      ? v.map((x, i) => (isObj(x) ? [String(x.indicator), x.quantity] : [`[${i}]`, undefined]))
      : [];
  if (!isObj(v) && !Array.isArray(v)) p.add(field, 'must be { indicator: quantity } or a list of { indicator, quantity }');
  return pairs.map(([indicator, q]) => {
    const parsed = parseQuantity(q);
    if (typeof parsed !== 'string') p.add(`${field}.${indicator}`, parsed.problem);
    return { indicator, quantity: typeof parsed === 'string' ? parsed : '' };
  });
}

/** Validates a body with the HTTP command's DTO class, exactly as the API's validation pipe does. */
function dto<T extends object>(cls: new () => T, body: Obj, p: Problems): T | undefined {
  const validated = validateBody(cls, body);
  if ('problems' in validated) {
    for (const fp of validated.problems) if (!p.has(fp.field)) p.add(fp.field, fp.problem);
    return undefined;
  }
  return validated.value;
}

function withoutUndefined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function compileBody(
  kind: EntryKind,
  body: Obj,
  entryId: string,
  ctx: Context,
  p: Problems,
): Pick<CompiledEntry, 'spec' | 'figure'> | null {
  const { catalogue, refs } = ctx;
  const common = (o: Obj): Obj => withoutUndefined({ ...body, ...o, effectiveDate: optionalDate(body, 'effectiveDate', p) });
  const decision = () => refs.decision(body.decision, 'decision', p);
  const voucher = () => refs.voucher(body.voucher, 'voucher', p);
  const newId = () => entryId;
  switch (kind) {
    case 'plan': {
      const d = dto(AssignPlanDto, common({ line: line(body.line, 'line', ctx, p), amount: amount(body.amount, 'amount', p), decision: decision() }), p);
      return d && p.empty ? { spec: assignPlanSpec(assignPlanInput(d), catalogue) } : null;
    }
    case 'activity': {
      const d = dto(
        RegisterActivityDto,
        common({
          activityId: body.activityId ?? entryId,
          programme: body.programme ?? ctx.defaults.programme,
          unit: body.unit === undefined ? ctx.defaults.unit : unitCode(body.unit, 'unit', p),
          targets: quantities(body.targets, 'targets', p),
          decision: decision(),
        }),
        p,
      );
      return d && p.empty ? { spec: registerActivitySpec(registerActivityInput(d, newId), catalogue) } : null;
    }
    case 'allocate': {
      const d = dto(AllocateFundsDto, common({ line: line(body.line, 'line', ctx, p), amount: amount(body.amount, 'amount', p), decision: decision() }), p);
      return d && p.empty ? { spec: allocateFundsSpec(allocateFundsInput(d), catalogue) } : null;
    }
    case 'disburse': {
      const d = dto(
        DisburseDto,
        common({ line: line(body.line, 'line', ctx, p), amount: amount(body.amount, 'amount', p), voucher: voucher(), disbursementId: body.disbursementId ?? entryId }),
        p,
      );
      return d && p.empty ? { spec: disburseSpec(disburseInput(d, newId), catalogue) } : null;
    }
    case 'reverseDisbursement': {
      const d = dto(ReverseDisbursementDto, common({ line: line(body.line, 'line', ctx, p), voucher: voucher() }), p);
      return d && p.empty ? { spec: reverseDisbursementSpec(reverseDisbursementInput(d), catalogue) } : null;
    }
    case 'return': {
      const d = dto(
        ReturnFundsDto,
        common({ line: line(body.line, 'line', ctx, p), amount: amount(body.amount, 'amount', p), decision: decision(), returnId: body.returnId ?? entryId }),
        p,
      );
      return d && p.empty ? { spec: returnFundsSpec(returnFundsInput(d, newId), catalogue) } : null;
    }
    case 'carryOver': {
      const deadline = date(body, 'deadline', 'deadline', p, true);
      const d = dto(
        CarryOverDto,
        common({
          from: line(body.from, 'from', ctx, p),
          amount: amount(body.amount, 'amount', p),
          decision: decision(),
          deadline,
          carryOverId: body.carryOverId ?? entryId,
        }),
        p,
      );
      return d && p.empty ? { spec: carryOverSpec(carryOverInput(d, newId), catalogue) } : null;
    }
    case 'adjust': {
      const end = (v: unknown, f: string) =>
        v === undefined ? undefined : isObj(v) ? { ...v, line: line(v.line, `${f}.line`, ctx, p) } : (p.add(f, 'must be { line, activityId? }'), undefined);
      const d = dto(
        AdjustDto,
        common({
          line: body.line === undefined ? undefined : line(body.line, 'line', ctx, p),
          from: end(body.from, 'from'),
          to: end(body.to, 'to'),
          amount: amount(body.amount, 'amount', p),
          decision: decision(),
          adjustmentId: body.adjustmentId ?? entryId,
        }),
        p,
      );
      return d && p.empty ? { spec: adjustSpec(adjustInput(d, newId), catalogue) } : null;
    }
    case 'reclassify': {
      const { activityId, ...rest } = body;
      const moves = Array.isArray(rest.moves)
        ? rest.moves.map((m, i) =>
            isObj(m)
              ? { ...m, from: line(m.from, `moves[${i}].from`, ctx, p), to: line(m.to, `moves[${i}].to`, ctx, p), amount: amount(m.amount, `moves[${i}].amount`, p) }
              : m,
          )
        : rest.moves;
      const id = activityIdOf(activityId, p);
      const d = dto(
        ReclassifyActivityDto,
        withoutUndefined({ ...rest, moves, decision: decision(), reclassificationId: rest.reclassificationId ?? entryId, effectiveDate: optionalDate(body, 'effectiveDate', p) }),
        p,
      );
      return d && id && p.empty ? { spec: reclassifyActivitySpec(reclassifyActivityInput(id, d, newId), catalogue) } : null;
    }
    case 'outputs': {
      const { activityId, ...rest } = body;
      const id = activityIdOf(activityId, p);
      const doc = rest.document === undefined ? undefined : refs.document(rest.document, 'document', p);
      const d = dto(
        RecordOutputsDto,
        withoutUndefined({
          ...rest,
          outputs: quantities(rest.outputs, 'outputs', p) ?? [],
          decision: rest.decision === undefined ? undefined : decision(),
          document: doc ? withoutUndefined({ title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }) : undefined,
          effectiveDate: optionalDate(body, 'effectiveDate', p),
        }),
        p,
      );
      return d && id && p.empty ? { spec: recordOutputsSpec(recordOutputsInput(id, d), catalogue) } : null;
    }
    case 'figure':
      return compileFigure(body, entryId, ctx, p);
  }
}

function activityIdOf(v: unknown, p: Problems): string | undefined {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) {
    p.add('activityId', 'is required: the id of a registered activity');
    return undefined;
  }
  return v;
}

const FIGURE_KEYS = ['document', 'section', 'quote', 'measure', 'scope', 'category', 'asOf', 'amount', 'indicator', 'quantity', 'rate', 'sumOf', 'note'];
const SCOPE_KEYS = ['programme', 'unit', 'component', 'content', 'year', 'budgetYear', 'originYear', 'source', 'sources', 'capitalType', 'activityId'];

/** "NSDP" (or "NSĐP"): every local-budget source of the catalogue, as documents say "ngân sách địa phương". */
function sources(v: unknown, catalogue: Catalogue, p: Problems): string[] | undefined {
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const s of list) {
    if (typeof s !== 'string') {
      p.add('scope.source', 'must be a source code or a list of them');
      continue;
    }
    if (s === 'NSDP' || s === 'NSĐP') out.push(...[...catalogue.sources.keys()].filter((c) => c.startsWith('NSDP-')));
    else out.push(s);
  }
  return [...new Set(out)];
}

function compileFigure(body: Obj, entryId: string, ctx: Context, p: Problems): Pick<CompiledEntry, 'spec' | 'figure'> | null {
  unknownKeys(body, FIGURE_KEYS, '', p);
  const doc = ctx.refs.document(body.document, 'document', p);
  const section = str(body, 'section', 'section', p, true);
  const quote = str(body, 'quote', 'quote', p, false);
  const note = str(body, 'note', 'note', p, false);
  const category = str(body, 'category', 'category', p, false);
  const measure = str(body, 'measure', 'measure', p, true) as FigureMeasure | undefined;
  const asOf = date(body, 'asOf', 'asOf', p, false) ?? doc?.asOf ?? doc?.date;

  const rawScope = body.scope === undefined ? {} : body.scope;
  if (!isObj(rawScope)) p.add('scope', 'must be { component, year, source, capitalType, ... }');
  const s = isObj(rawScope) ? rawScope : {};
  unknownKeys(s, SCOPE_KEYS, 'scope', p);
  const year = s.budgetYear ?? s.year ?? ctx.defaults.year;
  for (const [k, v] of [['year', year], ['originYear', s.originYear]] as const) {
    if (v !== undefined && v !== null && !Number.isInteger(v)) p.add(`scope.${k}`, 'must be a year such as 2024');
  }
  const unit = s.unit === undefined ? ctx.defaults.unit : unitCode(s.unit, 'scope.unit', p);
  const programme = (s.programme as string | undefined) ?? ctx.defaults.programme;
  if (!unit) p.add('scope.unit', 'is required (or set defaults.unit)');
  if (!programme) p.add('scope.programme', 'is required (or set defaults.programme)');
  const srcs = sources(s.sources ?? s.source, ctx.catalogue, p);
  const component = s.component === 'programme' ? undefined : (s.component as string | undefined);
  const scope: FigureScope = withoutUndefined({
    programme,
    unit,
    component,
    content: s.content,
    // year: null states a figure of the whole period (a 2021-2025 plan)
    budgetYear: year === null ? undefined : year,
    originYear: s.originYear,
    sources: srcs,
    capitalType: s.capitalType,
    activityId: s.activityId,
  }) as unknown as FigureScope;

  let amountDong: string | undefined;
  let resolution: string | undefined;
  if (body.amount !== undefined) {
    const parsed = parseAmount(body.amount);
    if (typeof parsed === 'string') p.add('amount', parsed);
    else [amountDong, resolution] = [parsed.dong, parsed.resolution];
  }
  let quantity: string | undefined;
  if (body.quantity !== undefined) {
    const q = parseQuantity(body.quantity);
    if (typeof q === 'string') quantity = q;
    else p.add('quantity', q.problem);
  }
  const indicator = str(body, 'indicator', 'indicator', p, false);

  let rate: StatedRate | undefined;
  const refs: { field: string; id: string }[] = [];
  if (body.rate !== undefined) {
    const r = isObj(body.rate) ? body.rate : { percent: body.rate };
    if (isObj(body.rate)) unknownKeys(body.rate, ['percent', 'of'], 'rate', p);
    const parsed = parsePercent(r.percent);
    if (typeof parsed === 'string') p.add('rate.percent', parsed);
    else {
      const of = r.of === undefined ? undefined : String(r.of);
      rate = { ...parsed, ...(of !== undefined ? { of } : {}) };
      if (of !== undefined) refs.push({ field: 'rate.of', id: of });
    }
  }
  let parts: string[][] | undefined;
  if (body.sumOf !== undefined) {
    const v = body.sumOf;
    const lists = Array.isArray(v) && v.every((x) => Array.isArray(x)) ? (v as unknown[][]) : Array.isArray(v) ? [v] : null;
    if (!lists || lists.some((l) => l.some((x) => typeof x !== 'string'))) {
      p.add('sumOf', 'must list the ids of the figures this one is the sum of ([a, b]), or several such lists ([[a, b], [c, d]])');
    } else {
      parts = lists as string[][];
      parts.forEach((l, i) => l.forEach((id) => refs.push({ field: `sumOf[${i}]`, id })));
    }
  }
  if (!doc || !section || !measure || !asOf || !p.empty) return null;
  const document: FigureDocument = withoutUndefined({ id: doc.id, title: doc.title, issuer: doc.issuer, number: doc.number }) as unknown as FigureDocument;
  const input: StateFigure = withoutUndefined({
    assertionId: entryId,
    document,
    section,
    quote,
    measure,
    scope,
    category,
    asOf,
    amount: amountDong,
    resolution,
    indicator,
    quantity,
    rate,
    parts,
    note,
    basis: {
      legalBasis: withoutUndefined({ kind: 'document', title: doc.title, number: doc.number, date: doc.date, issuer: doc.issuer }),
      effectiveDate: doc.date,
    },
  }) as unknown as StateFigure;
  return { spec: stateFigureSpec(input, ctx.catalogue), figure: { document: doc.id, refs } };
}

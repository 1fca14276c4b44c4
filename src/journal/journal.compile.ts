import type { Catalogue } from '../catalogue/catalogue';
import type { DecisionSpec } from '../commands/decision-spec';
import { COMMANDS } from '../commands/registry';
import {
  type CommandSlice,
  type JournalDocument,
  type JournalReader,
  isMapping as isObj,
  hasJournalForm,
  isRequestCommand,
  specOf,
  withoutUndefined,
} from '../commands/slice';
import { FieldProblem, InvalidCommand } from '../shared/errors';
import { validateBody } from '../shared/validation/problems';
import { ID_PATTERN } from '../shared/validation/validators';
import { JOURNAL_FORMAT_VERSION, JournalProblem } from './journal.format';
import { parseAmount, parseDate, parsePercent, parseQuantity } from './vietnamese-numbers';

type Obj = Record<string, unknown>;

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
  /** The entry kind: the `journal.kind` of its command's slice. */
  readonly kind: string;
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

/** Entry kinds, one per command of the registry (src/commands/registry.ts), in its order. */
const SLICE_OF_KIND = new Map<string, CommandSlice>(COMMANDS.filter(hasJournalForm).map((c) => [c.journal.kind, c]));
export const ENTRY_KINDS: readonly string[] = [...SLICE_OF_KIND.keys()];

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
  const keys = Object.keys(obj);
  keys.forEach((k, i) => {
    if (allowed.includes(k)) return;
    const split = splitByComma(obj, keys, i);
    p.add(field ? `${field}.${k}` : k, split ?? `unknown field; expected one of: ${allowed.join(', ')}`);
  });
}

/**
 * In a flow mapping `{ amount: 16,74 triệu đồng }` YAML reads "amount: 16" and a key "74 triệu đồng" without a
 * value: an unquoted comma split one value in two. Said so, with the value as it was meant.
 */
function splitByComma(obj: Obj, keys: readonly string[], i: number): string | undefined {
  const k = keys[i];
  if (!/^\d/.test(k) || obj[k] !== null || i === 0) return undefined;
  const before = keys[i - 1];
  const head = obj[before];
  if (typeof head !== 'number' && typeof head !== 'string') return undefined;
  const meant = `${String(head)},${k}`;
  return `an unquoted comma inside { … } split "${before}: ${meant}" in two (${before}: ${String(head)}, and a field "${k}"): quote the value: ${before}: "${meant}"`;
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

/** Compiles a journal's plain data to decision specs, collecting every problem with its entry. `now`: the import's time. */
export function compileJournal(value: unknown, catalogue: Catalogue, now: string, entryLines: readonly number[] = []): CompiledJournal {
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
    const compiled = compileEntry(raw, index, { catalogue, refs, defaults, now }, p);
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
  readonly now: string;
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
    const result = compileBody(SLICE_OF_KIND.get(kind) as CommandSlice, body, new EntryReader(id, ctx, scoped), ctx, scoped);
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

/** Reads an entry's body for its command's journal form; problems go to the entry, under its kind. */
class EntryReader implements JournalReader {
  constructor(
    readonly entryId: string,
    private readonly ctx: Context,
    private readonly p: Problems,
  ) {}

  get defaults(): Context['defaults'] {
    return this.ctx.defaults;
  }
  get catalogue(): Catalogue {
    return this.ctx.catalogue;
  }
  get clean(): boolean {
    return this.p.empty;
  }
  problem(field: string, problem: string): void {
    this.p.add(field, problem);
  }
  unknownKeys(obj: Obj, allowed: readonly string[], field: string): void {
    unknownKeys(obj, allowed, field, this.p);
  }
  text(obj: Obj, key: string, field: string, required: boolean): string | undefined {
    return str(obj, key, field, this.p, required);
  }
  date(obj: Obj, key: string, field: string, required: boolean): string | undefined {
    return date(obj, key, field, this.p, required);
  }
  unit(v: unknown, field: string): string | undefined {
    return unitCode(v, field, this.p);
  }

  line(v: unknown, field: string): Obj | undefined {
    if (!isObj(v)) {
      this.p.add(field, 'must be a fund line { component, year, source, capitalType, ... }');
      return undefined;
    }
    const { year, ...rest } = v;
    const budgetYear = rest.budgetYear ?? year ?? this.defaults.year;
    const out: Obj = {
      programme: this.defaults.programme,
      unit: this.defaults.unit,
      ...rest,
      budgetYear,
      originYear: rest.originYear ?? budgetYear,
    };
    if (rest.unit !== undefined) out.unit = this.unit(rest.unit, `${field}.unit`);
    return out;
  }

  amount(v: unknown, field: string): string | undefined {
    return this.statedAmount(v, field)?.dong;
  }

  statedAmount(v: unknown, field: string): { dong: string; resolution: string } | undefined {
    if (v === undefined) return undefined;
    const parsed = parseAmount(v);
    if (typeof parsed === 'string') {
      this.p.add(field, parsed);
      return undefined;
    }
    return parsed;
  }

  quantity(v: unknown, field: string): string | undefined {
    if (v === undefined) return undefined;
    const parsed = parseQuantity(v);
    if (typeof parsed === 'string') return parsed;
    this.p.add(field, parsed.problem);
    return undefined;
  }

  /** Reports a missing percentage too: a rate without one says nothing. */
  percent(v: unknown, field: string): { percent: string; decimals: number } | undefined {
    const parsed = parsePercent(v);
    if (typeof parsed === 'string') {
      this.p.add(field, parsed);
      return undefined;
    }
    return parsed;
  }

  quantities(v: unknown, field: string): { indicator: string; quantity: string }[] | undefined {
    if (v === undefined) return undefined;
    const pairs: [string, unknown][] = isObj(v)
      ? Object.entries(v)
      : Array.isArray(v)
        ? v.map((x, i) => (isObj(x) ? [String(x.indicator), x.quantity] : [`[${i}]`, undefined]))
        : [];
    if (!isObj(v) && !Array.isArray(v)) this.p.add(field, 'must be { indicator: quantity } or a list of { indicator, quantity }');
    return pairs.map(([indicator, q]) => {
      const parsed = parseQuantity(q);
      if (typeof parsed !== 'string') this.p.add(`${field}.${indicator}`, parsed.problem);
      return { indicator, quantity: typeof parsed === 'string' ? parsed : '' };
    });
  }

  activityId(v: unknown): string | undefined {
    if (typeof v !== 'string' || !ID_PATTERN.test(v)) {
      this.p.add('activityId', 'is required: the id of a registered activity');
      return undefined;
    }
    return v;
  }

  decision(v: unknown): Obj | undefined {
    return this.ctx.refs.decision(v, 'decision', this.p);
  }
  voucher(v: unknown): Obj | undefined {
    return this.ctx.refs.voucher(v, 'voucher', this.p);
  }
  document(v: unknown, field: string): JournalDocument | undefined {
    return this.ctx.refs.document(v, field, this.p);
  }

  request(body: Obj, fields: Obj): Obj {
    return withoutUndefined({ ...body, ...fields, effectiveDate: this.date(body, 'effectiveDate', 'effectiveDate', false) });
  }
}

/** Validates a body with the command's DTO class, exactly as the API's validation pipe does. */
function dto<T extends object>(cls: new () => T, body: Obj, p: Problems): T | undefined {
  const validated = validateBody(cls, body);
  if ('problems' in validated) {
    for (const fp of validated.problems) if (!p.has(fp.field)) p.add(fp.field, fp.problem);
    return undefined;
  }
  return validated.value;
}

/**
 * An entry's body through its command's slice. A request command's body becomes the HTTP body (its DTO,
 * validated as the API validates it) and then its input, as if POSTed; ids default to the entry's id.
 */
function compileBody(slice: CommandSlice, body: Obj, j: EntryReader, ctx: Context, p: Problems): Pick<CompiledEntry, 'spec' | 'figure'> | null {
  const { catalogue } = ctx;
  if (!slice.journal) throw new Error(`${slice.name} has no journal form`);
  if (!isRequestCommand(slice)) {
    const compiled = slice.journal.toInput(body, j);
    return compiled ? { spec: specOf(slice, compiled.input, catalogue), ...(compiled.figure ? { figure: compiled.figure } : {}) } : null;
  }
  // Only slices with a journal form are entry kinds (SLICE_OF_KIND).
  const request = (slice.journal as NonNullable<typeof slice.journal>).toRequest(body, j);
  const d = dto(slice.dto, request.body, p);
  if (!d || !p.empty) return null;
  const params = (request.params ?? {}) as Readonly<Record<string, string>>;
  return { spec: specOf(slice, slice.toInput(d, { params, newId: () => j.entryId, now: ctx.now }), catalogue) };
}

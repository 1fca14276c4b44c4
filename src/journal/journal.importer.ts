import type { Actor, DomainEvent, EventToAppend } from '../../events';
import type { Catalogue } from '../catalogue/catalogue';
import type { Fold } from '../commands/aggregate-cache';
import { unitsOf } from '../commands/command-runner';
import { authorize, Forbidden, type Principal } from '../identity/rights';
import { CommandRefused, InvalidCommand } from '../shared/errors';
import { newEventId } from '../shared/event-id';
import { JOURNAL_LIMITS, MAX_PROBLEMS, capProblems } from '../shared/validation/input-limits';
import { DEFAULT_JOURNAL_LIMIT_MB } from '../config/ledger-config';
import { normalizeInput } from '../shared/validation/text-rules';
import {
  AppendResult,
  EventStore,
  IdempotencyKeyTaken,
  IdempotencyRecord,
  StreamAppend,
  WrongExpectedRevision,
} from '../store/event-store.port';
import type { FiguresState } from '../commands/state-figure/figure.state';
import { ASSERTION_STREAM_PREFIX } from '../commands/state-figure/figure.state';
import { assertEventInvariants } from '../commands/event-invariants';
import { groupUnitProblems } from './group-unit-problems';
import { CompiledEntry, compileJournal } from './journal.compile';
import { JournalProblem, JournalText, journalDigest } from './journal.format';
import { JournalReader, TextRead, journalReader } from './journal-reader';

export interface ImportProgress {
  readonly phase: 'deciding' | 'storing';
  readonly done: number;
  readonly total: number;
}

export interface ImportOptions {
  /** Who imports: each entry needs the import right in the scope of the units it touches, and records the grant used. */
  readonly principal: Principal;
  /** Transaction time of the import (ISO instant); the clock is read at the edge. */
  readonly now: string;
  /** Validate every entry, store nothing. */
  readonly dryRun?: boolean;
  readonly onProgress?: (progress: ImportProgress) => void;
}

interface Summary {
  readonly journal: string;
  /** SHA-256 of the journal's canonical content: its identity for idempotency. */
  readonly digest: string;
  readonly entries: number;
}

export type ImportOutcome =
  | (Summary & { readonly status: 'imported'; readonly events: number; readonly firstPosition: number; readonly lastPosition: number })
  | (Summary & { readonly status: 'already-imported'; readonly events: number; readonly firstPosition: number; readonly lastPosition: number })
  | (Summary & { readonly status: 'valid'; readonly events: number })
  | (Summary & { readonly status: 'rejected'; readonly code: string; readonly problems: readonly JournalProblem[] });

/** The idempotency key of a journal: importing the same content again finds it and stores nothing. */
export const journalKey = (digest: string): string => `journal:${digest}`;

/** The answer's code when an entry lies outside the importer's scope (HTTP 403). */
export const FORBIDDEN = 'FORBIDDEN';

/** The answer's code for a malformed journal: a field, a syntax error, an unknown code, an empty file. */
export const INVALID_JOURNAL = 'INVALID_JOURNAL';

/**
 * Why a journal was not imported, as one code: when every problem is a business rule refusing an entry, the first
 * refusal's code (e.g. INSUFFICIENT_UNALLOCATED), as the same command over HTTP would answer; else INVALID_JOURNAL.
 */
export function rejectionCode(problems: readonly JournalProblem[]): string {
  return problems.length > 0 && problems.every((p) => p.code) ? (problems[0].code as string) : INVALID_JOURNAL;
}

/**
 * A journal that cannot be imported, nothing stored: every problem, each with its entry. Malformed (HTTP 400,
 * INVALID_JOURNAL) or, when only business rules refused entries, refused (HTTP 409, the first refusal's code).
 */
export class JournalRejected extends Error {
  readonly code: string;
  /** Only business rules refused it: the journal is well formed. */
  readonly refused: boolean;

  constructor(
    readonly journalProblems: readonly JournalProblem[],
    readonly journal = '',
  ) {
    const code = rejectionCode(journalProblems);
    const count = `${journalProblems.length} problem${journalProblems.length === 1 ? '' : 's'}`;
    const why = code === INVALID_JOURNAL ? 'is not valid' : code === FORBIDDEN ? 'has entries outside your scope' : 'is refused by a business rule';
    super(`journal${journal ? ` ${journal}` : ''} ${why}, nothing stored: ${count}`);
    this.name = 'JournalRejected';
    this.code = code;
    this.refused = code !== INVALID_JOURNAL;
  }

  /**
   * Each problem as { field, problem } with the code of the rule that refused it, if one did (the one error shape);
   * the problem says where in the text it is, when that is known. At most MAX_PROBLEMS.
   */
  get problems(): { field: string; problem: string; code?: string }[] {
    const all = this.journalProblems.map((p) => ({
      field: problemPlace(p),
      problem: p.at ? `${p.problem} (at line ${p.at.line}, column ${p.at.column})` : p.problem,
      ...(p.code ? { code: p.code } : {}),
    }));
    return capProblems(all, (more) => ({ field: '(more)', problem: `and ${more} more problems, not listed` }));
  }
}

/** "entries[12] alloc-da5 (line 130) allocate.amount": the entry and its line, the field (the API's `field`). */
export function problemPlace(p: JournalProblem): string {
  const where = p.entry === undefined ? (p.line ? `line ${p.line}` : '') : `entries[${p.entry}]${p.id ? ` ${p.id}` : ''}${p.line ? ` (line ${p.line})` : ''}`;
  return [where, p.field].filter((x) => x).join(' ');
}

/** "entries[12] alloc-da5 (line 131, column 27) allocate.amount": the same, at the line and column of the field, for people. */
export function problemAt(p: JournalProblem): string {
  if (!p.at) return problemPlace(p);
  const place = `line ${p.at.line}, column ${p.at.column}`;
  const where = p.entry === undefined ? place : `entries[${p.entry}]${p.id ? ` ${p.id}` : ''} (${place})`;
  return [where, p.field].filter((x) => x).join(' ');
}

/** Each problem of an entry with the line and column where its field is written, when the journal came as text. */
async function placed(problems: readonly JournalProblem[], read: JournalText): Promise<JournalProblem[]> {
  // A refusal of a whole entry is placed by the entry's line; a field's problem at the field. Only the problems listed
  // in the answer (MAX_PROBLEMS) are placed.
  const wanted = (p: JournalProblem): p is JournalProblem & { entry: number } => p.entry !== undefined && p.at === undefined && /[.[]/.test(p.field);
  const listed = problems.slice(0, MAX_PROBLEMS);
  const queries = listed.filter(wanted).map((p) => ({ entry: p.entry, field: p.field }));
  if (!read.locate || queries.length === 0) return [...problems];
  const places = await read.locate(queries);
  let next = 0;
  return problems.map((p, i) => {
    if (i >= MAX_PROBLEMS || !wanted(p)) return p;
    const at = places[next++];
    return at ? { ...p, at } : p;
  });
}

const MAX_ATTEMPTS = 3;

interface Cursor {
  readonly fold: Fold<unknown, DomainEvent>;
  state: unknown;
  /** Revision of the stream after the store's events and the entries decided so far (-1: no stream). */
  revision: number;
}

/**
 * Decides every entry in order against states held in memory (each stream starts from what the store has,
 * then folds the events of the entries before it) and collects every problem. Entries are decided by the
 * same specs as the HTTP commands.
 */
class Session {
  private readonly cursors = new Map<string, Cursor>();
  readonly appends: StreamAppend[] = [];
  events = 0;

  constructor(
    private readonly store: EventStore,
    private readonly authorizeEntry: (entry: CompiledEntry, states: readonly { state: unknown }[]) => Actor,
    private readonly metadata: (entry: CompiledEntry, actor: Actor) => Omit<EventToAppend['metadata'], 'eventId'>,
  ) {}

  /** Who may import the entry, from the units its input names and those of the streams it reads (Forbidden if none). */
  async authorize(entry: CompiledEntry): Promise<Actor> {
    await this.load(entry);
    return this.authorizeEntry(entry, entry.spec.loads.map((l) => this.cursors.get(l.stream) as Cursor));
  }

  private async load(entry: CompiledEntry): Promise<void> {
    for (const load of entry.spec.loads) {
      if (this.cursors.has(load.stream)) continue;
      const fold = load.fold as Fold<unknown, DomainEvent>;
      let state = fold.initial();
      let revision = -1;
      for (const e of await this.store.readStream(load.stream)) {
        state = fold.evolve(state, e);
        revision = e.revision;
      }
      this.cursors.set(load.stream, { fold, state, revision });
    }
  }

  async decide(entry: CompiledEntry): Promise<void> {
    const { spec } = entry;
    // Before deciding: an entry outside the importer's scope is refused without telling what lies there.
    const actor = await this.authorize(entry);
    const cursors = spec.loads.map((l) => this.cursors.get(l.stream) as Cursor);
    const decided = spec.decide(cursors.map((c) => ({ state: c.state, revision: c.revision })));
    for (const d of decided) {
      if (!this.cursors.has(d.stream)) throw new Error(`${spec.name}: decided events for ${d.stream}, which it did not read`);
    }
    const metadata = this.metadata(entry, actor);
    for (const d of decided) {
      const cursor = this.cursors.get(d.stream) as Cursor;
      const events: EventToAppend[] = d.events.map((e) => ({
        type: e.type,
        version: e.version,
        data: e.data,
        metadata: { eventId: newEventId(), ...metadata },
      }));
      const last = this.appends[this.appends.length - 1];
      if (last && last.stream === d.stream) {
        // Consecutive entries of one stream: one entry of the append, its expected revision still exact.
        this.appends[this.appends.length - 1] = { ...last, events: [...last.events, ...events] };
      } else {
        this.appends.push({ stream: d.stream, expectedRevision: cursor.revision < 0 ? 'no_stream' : cursor.revision, events });
      }
      cursor.state = d.events.reduce((s, e) => cursor.fold.evolve(s, e), cursor.state);
      cursor.revision += d.events.length;
      this.events += events.length;
    }
  }

  /** Ids of the figures each document has stated, in the store and in this journal so far. */
  figureIds(): Map<string, Set<string>> {
    const byDocument = new Map<string, Set<string>>();
    for (const [stream, cursor] of this.cursors) {
      if (!stream.startsWith(ASSERTION_STREAM_PREFIX)) continue;
      for (const [id, figure] of (cursor.state as FiguresState).figures) {
        const set = byDocument.get(figure.document.id) ?? new Set<string>();
        set.add(id);
        byDocument.set(figure.document.id, set);
      }
    }
    return byDocument;
  }
}

/**
 * Imports a journal: validates the whole file first (every entry decided in order, every problem listed with
 * its entry), then stores all of it in one atomic append with one idempotency claim keyed by the hash of the
 * journal's content, or nothing at all.
 */
export class JournalImporter {
  constructor(
    private readonly store: EventStore,
    private readonly catalogue: Catalogue,
    /** The largest journal text taken, in bytes: LEDGER_JOURNAL_LIMIT_MB. */
    private readonly maxBytes: number = DEFAULT_JOURNAL_LIMIT_MB * 1024 * 1024,
    private readonly reader: Pick<JournalReader, 'read' | 'locate'> = journalReader,
  ) {}

  /** A journal as YAML or JSON text, read off the event loop (journal-reader.ts). */
  async importText(text: string, options: ImportOptions): Promise<ImportOutcome> {
    const read = prepare(await this.reader.read(text, this.maxBytes));
    return this.run({ ...read, locate: (queries) => this.reader.locate(text, queries) }, options);
  }

  /** A journal already parsed (a JSON body, within the JSON limits of the body parser). */
  importValue(value: unknown, options: ImportOptions): Promise<ImportOutcome> {
    return this.run(prepare({ value, entryLines: [], problems: [] }), options);
  }

  private async run(read: JournalText, options: ImportOptions): Promise<ImportOutcome> {
    const journalId = journalIdOf(read.value);
    const entryCount = entriesOf(read.value);
    const summary = { journal: journalId, digest: read.digest, entries: entryCount };
    if (read.problems.length > 0) return rejected(summary, read.problems);
    const key = journalKey(read.digest);
    const compiled = compileJournal(read.value, this.catalogue, options.now, read.entryLines);
    const authorizeEntry = (entry: CompiledEntry, states: readonly { state: unknown }[]) =>
      authorize(options.principal, 'import', unitsOf(entry.spec, states), this.catalogue);
    const prior = await this.store.findIdempotency(key);
    if (prior) {
      // Imported already: said only to whom could import it.
      const session = new Session(this.store, authorizeEntry, () => ({}) as never);
      const forbidden: JournalProblem[] = [];
      for (const entry of compiled.entries) {
        try {
          await session.authorize(entry);
        } catch (error) {
          forbidden.push(...entryProblems(entry, error));
        }
      }
      return forbidden.length > 0 ? rejected(summary, forbidden) : already(summary, prior.result);
    }

    const correlationId = `journal:${journalId}:${read.digest.slice(0, 16)}`;
    for (let attempt = 1; ; attempt++) {
      const session = new Session(this.store, authorizeEntry, (entry, actor) => ({
        actor,
        recordedAt: options.now,
        effectiveDate: entry.spec.basis.effectiveDate,
        legalBasis: entry.spec.basis.legalBasis,
        correlationId,
        causationId: `${journalId}#${entry.id}`,
        idempotencyKey: key,
        command: entry.spec.name,
      }));
      const problems: JournalProblem[] = [...compiled.problems];
      if (compiled.entryCount === 0 && compiled.problems.length === 0) problems.push({ field: 'entries', problem: 'is empty: nothing to import' });
      let done = 0;
      for (const entry of compiled.entries) {
        try {
          await session.decide(entry);
        } catch (error) {
          problems.push(...entryProblems(entry, error));
        }
        options.onProgress?.({ phase: 'deciding', done: ++done, total: compiled.entries.length });
      }
      problems.push(...unresolvedReferences(compiled.entries, session.figureIds()));
      const forbidden = problems.filter((p) => p.code === FORBIDDEN);
      // Entries outside the importer's scope refuse the whole file; the rest of what was found is not told.
      if (forbidden.length > 0) return rejected(summary, forbidden);
      if (problems.length > 0) {
        const sorted = groupUnitProblems(problems).sort((a, b) => (a.entry ?? -1) - (b.entry ?? -1));
        return rejected(summary, await placed(sorted, read));
      }
      if (options.dryRun) return { ...summary, status: 'valid', events: session.events };
      options.onProgress?.({ phase: 'storing', done: 0, total: session.events });
      try {
        assertEventInvariants(session.appends);
        const result = await this.store.append(session.appends, { idempotency: { key, fingerprint: read.digest } });
        options.onProgress?.({ phase: 'storing', done: session.events, total: session.events });
        return {
          ...summary,
          status: 'imported',
          events: result.events.length,
          firstPosition: result.events[0].position,
          lastPosition: result.position,
        };
      } catch (error) {
        if (error instanceof IdempotencyKeyTaken) {
          const record = (await this.store.findIdempotency(key)) as IdempotencyRecord;
          return already(summary, record.result);
        }
        // Someone wrote to a stream of the journal meanwhile: decide everything again on fresh state.
        if (error instanceof WrongExpectedRevision && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}

/**
 * The journal's content as it is identified and compiled: every text in NFC and checked (text-rules.ts), so that a
 * journal typed with combining accents is the same journal, with the same decisions, as one typed precomposed; and
 * no more entries than JOURNAL_LIMITS allows. Problems name their entry.
 */
function prepare(read: TextRead): JournalText {
  if (read.problems.length > 0) return { ...read, digest: '' };
  const { value, problems } = normalizeInput(read.value);
  const entries = typeof value === 'object' && value !== null ? (value as { entries?: unknown }).entries : undefined;
  const found: JournalProblem[] = problems.map((p) => {
    const m = /^entries\[(\d+)\]\.?(.*)$/.exec(p.field);
    if (!m) return p;
    const index = Number(m[1]);
    const line = read.entryLines[index];
    const id = Array.isArray(entries) ? (entries[index] as { id?: unknown } | null)?.id : undefined;
    return { entry: index, ...(typeof id === 'string' ? { id } : {}), ...(line ? { line } : {}), field: m[2] || '(entry)', problem: p.problem };
  });
  if (Array.isArray(entries) && entries.length > JOURNAL_LIMITS.entries) {
    found.push({ field: 'entries', problem: `has ${entries.length} entries, more than ${JOURNAL_LIMITS.entries} (the entries limit): split the journal in several files` });
  }
  return { value, entryLines: read.entryLines, digest: found.length > 0 ? '' : journalDigest(value), problems: found };
}

function rejected(summary: Summary, problems: readonly JournalProblem[]): ImportOutcome {
  return { ...summary, status: 'rejected', code: rejectionCode(problems), problems };
}

function already(summary: Summary, result: AppendResult): ImportOutcome {
  return {
    ...summary,
    status: 'already-imported',
    events: result.events.length,
    firstPosition: result.events[0]?.position ?? result.position,
    lastPosition: result.position,
  };
}

function entryProblems(entry: CompiledEntry, error: unknown): JournalProblem[] {
  const at = { entry: entry.index, id: entry.id, ...(entry.line ? { line: entry.line } : {}) };
  if (error instanceof InvalidCommand) {
    return error.problems.map((p) => ({ ...at, field: `${entry.kind}.${p.field}`, problem: p.problem }));
  }
  if (error instanceof CommandRefused) return [{ ...at, field: entry.kind, problem: error.reason, code: error.code }];
  if (error instanceof Forbidden) return [{ ...at, field: entry.kind, problem: error.message, code: FORBIDDEN }];
  throw error;
}

/** Parts and rate bases must be figures of the same document: in this journal or already stored. */
function unresolvedReferences(entries: readonly CompiledEntry[], known: Map<string, Set<string>>): JournalProblem[] {
  const problems: JournalProblem[] = [];
  for (const entry of entries) {
    if (!entry.figure) continue;
    const ids = known.get(entry.figure.document) ?? new Set<string>();
    for (const ref of entry.figure.refs) {
      if (!ids.has(ref.id)) {
        problems.push({
          entry: entry.index,
          id: entry.id,
          ...(entry.line ? { line: entry.line } : {}),
          field: `figure.${ref.field}`,
          problem: `"${ref.id}" is not a figure of document ${entry.figure.document} (in this journal or already recorded)`,
        });
      }
    }
  }
  return problems;
}

function journalIdOf(value: unknown): string {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : '';
}

function entriesOf(value: unknown): number {
  const entries = typeof value === 'object' && value !== null ? (value as { entries?: unknown }).entries : undefined;
  return Array.isArray(entries) ? entries.length : 0;
}

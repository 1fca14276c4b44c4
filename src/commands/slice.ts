import type { FigureDocument } from '../../events';
import type { Catalogue } from '../catalogue/catalogue';
import type { Right } from '../identity/rights';
import type { ReadQueries } from '../projections/read-queries';
import type { Decision, DecisionSpec } from './decision-spec';

/**
 * A command is one vertical slice: its folder holds the decider and its given/when/then spec, the DTO, the
 * mapping from request to decider input, what it loads and decides, and its journal-entry form. The
 * registry (registry.ts) lists the slices; the HTTP routes, the CQRS handler and the journal's entry kinds
 * are derived from it.
 */

/** What the edge decides for a request, so that deciders stay pure. */
export interface Edge {
  /** Route parameters, e.g. `activityId` of /commands/activities/:activityId/reclassify. */
  readonly params: Readonly<Record<string, string>>;
  /** An id for what the client left unnamed: a UUID over HTTP, the entry's id in a journal. */
  readonly newId: () => string;
  /** When the request arrived (ISO instant): the transaction time of its events. */
  readonly now: string;
}

/**
 * A secret a command makes at the edge — a one-time password, an API token — shown once in the answer and never
 * written to an event: its hash goes to the credentials store under `credentialId`, which the event names.
 */
export interface SecretSpec<I> {
  readonly kind: 'password' | 'api-token';
  credential(input: I): { readonly credentialId: string; readonly userId: string; readonly expiresAt?: string | null };
}

/**
 * A command sent as a request body: POSTed to its route, or written as a journal entry. Both validate the
 * body with `dto` and map it by `toInput`, so a journal entry means exactly what the same body POSTed means.
 */
export interface RequestCommand<D extends object = object, I = unknown> {
  /** Recorded in each event's metadata, e.g. "AllocateFunds". */
  readonly name: string;
  /** POST /commands/<path>; `:name` segments are route parameters. */
  readonly route: { readonly path: string; readonly summary: string };
  readonly dto: new () => D;
  /** The right it needs, in the scope of every unit it touches (see Decision.units and Load.units). Default: record. */
  readonly right?: Right;
  toInput(dto: D, edge: Edge): I;
  /** What it loads and how it decides. */
  spec(input: I, catalogue: Catalogue): Decision;
  /** A secret made for the command (its answer shows it once); such a command takes no Idempotency-Key. */
  readonly secret?: SecretSpec<I>;
  /**
   * What the edge looks up before the decider runs, so that the decider stays pure: the input completed with what
   * the read models say now (a red flag as listed) and the clock.
   */
  prepare?(input: I, lookups: CommandLookups): I | Promise<I>;
  /** Its journal-entry form; a command without one (an account command, a review) is recorded over HTTP only. */
  readonly journal?: {
    /** The entry's key in a journal: `- id: plan-da5` / `  plan: {...}`. */
    readonly kind: string;
    /** A journal body (Vietnamese amounts, named decisions and vouchers) → the request body and route parameters. */
    toRequest(body: JournalBody, j: JournalReader): JournalRequest;
  };
}

/** What `prepare` may read at the edge: the read models as they are now (null when the ledger runs without them), and the time of recording. */
export interface CommandLookups {
  readonly readModels: ReadQueries | null;
  /** Transaction time of the command (ISO instant): the same `now` its events are recorded at. */
  readonly now: string;
}

/** A command only a journal gives: what a document states (a figure). It has no HTTP route. */
export interface JournalCommand<I = unknown> {
  readonly name: string;
  spec(input: I, catalogue: Catalogue): Decision;
  readonly journal: {
    readonly kind: string;
    /** A journal body → the decider's input, or undefined with the problems reported to `j`. */
    toInput(body: JournalBody, j: JournalReader): JournalInput<I> | undefined;
  };
}

export type CommandSlice = RequestCommand | JournalCommand;

export const isRequestCommand = (slice: CommandSlice): slice is RequestCommand => 'route' in slice;

/** The slices a journal can hold, by their entry kind. */
export const hasJournalForm = (slice: CommandSlice): slice is CommandSlice & { journal: NonNullable<RequestCommand['journal']> } => slice.journal !== undefined;

/** The slice's decision on an input, named after the command. */
export function specOf<I>(slice: { name: string; spec(input: I, catalogue: Catalogue): Decision }, input: I, catalogue: Catalogue): DecisionSpec {
  return { name: slice.name, ...slice.spec(input, catalogue) };
}

export type JournalBody = Readonly<Record<string, unknown>>;

export interface JournalRequest {
  readonly body: JournalBody;
  /** Route parameters; undefined where the entry lacked one (a problem was reported). */
  readonly params?: Readonly<Record<string, string | undefined>>;
}

export interface JournalInput<I> {
  readonly input: I;
  /** For a figure: its document and the ids it refers to (parts, rate base), checked across the file. */
  readonly figure?: { readonly document: string; readonly refs: readonly { field: string; id: string }[] };
}

/** A document the journal's figures come from. */
export interface JournalDocument extends FigureDocument {
  readonly date: string;
  readonly asOf?: string;
  readonly note?: string;
}

/**
 * Reads one journal entry's body. Each method reports what is wrong at its field (relative to the body) and
 * returns undefined; the entry is refused with every problem once the body is read.
 */
export interface JournalReader {
  /** The entry's id: the id of what it creates unless the body names one. */
  readonly entryId: string;
  readonly defaults: { readonly programme?: string; readonly unit?: string; readonly year?: number };
  readonly catalogue: Catalogue;
  /** No problem was reported for the entry so far. */
  readonly clean: boolean;
  problem(field: string, problem: string): void;
  unknownKeys(obj: JournalBody, allowed: readonly string[], field: string): void;
  text(obj: JournalBody, key: string, field: string, required: boolean): string | undefined;
  /** A date in YYYY-MM-DD or DD/MM/YYYY. */
  date(obj: JournalBody, key: string, field: string, required: boolean): string | undefined;
  /** An official unit code, which must be written as text ("076", not 76). */
  unit(v: unknown, field: string): string | undefined;
  /** A fund line with the journal's defaults: programme, unit, and `year` for budgetYear (and originYear). */
  line(v: unknown, field: string): JournalBody | undefined;
  /** An amount with its unit, "1.550,44 triệu đồng", as exact đồng. */
  amount(v: unknown, field: string): string | undefined;
  /** The same, with the đồng value of the last digit written ("17.015 triệu" → 1000000). */
  statedAmount(v: unknown, field: string): { readonly dong: string; readonly resolution: string } | undefined;
  /** A quantity, "1.234,5". */
  quantity(v: unknown, field: string): string | undefined;
  /** A percentage, "17,22 %", with the decimals written. */
  percent(v: unknown, field: string): { readonly percent: string; readonly decimals: number } | undefined;
  /** Targets or outputs as a mapping { indicator: quantity } or a list [{ indicator, quantity }]. */
  quantities(v: unknown, field: string): { indicator: string; quantity: string }[] | undefined;
  /** The id of a registered activity (required). */
  activityId(v: unknown): string | undefined;
  /** A decision by its name in the journal's `decisions`, or written out. */
  decision(v: unknown): JournalBody | undefined;
  /** A voucher by its name in the journal's `vouchers`, or written out. */
  voucher(v: unknown): JournalBody | undefined;
  /** One of the journal's `documents`, by id. */
  document(v: unknown, field: string): JournalDocument | undefined;
  /** The request body: `body` with `fields` in place and effectiveDate read as a date; undefined fields dropped. */
  request(body: JournalBody, fields: JournalBody): JournalBody;
}

export const isMapping = (v: unknown): v is JournalBody => typeof v === 'object' && v !== null && !Array.isArray(v);

export function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

import { createHash } from 'node:crypto';
import { stableStringify } from '../shared/stable-json';

/**
 * The journal file: a human-readable YAML (or JSON) record of what decisions did, what was disbursed, and
 * what documents state. demo/README.md describes the format with an example; demo/*.yaml are real ones.
 *
 *   journal: 1                    # format version
 *   id: van-quan-2024             # the journal's id
 *   defaults: { programme: GNBV-2021-2025, unit: "184", year: 2024 }
 *   documents: { <id>: { title, issuer, number?, date, asOf?, note? } }
 *   decisions: { <key>: { number, date, issuer, title? } }
 *   vouchers:  { <key>: { number, date, treasury, note? } }
 *   entries:   [ { id, <kind>: {...}, note? } ... ]
 *
 * Entry kinds: one per command of the registry (src/commands/registry.ts), each command's `journal.kind`:
 * plan, activity, allocate, disburse, reverseDisbursement, return, carryOver, adjust, reclassify, outputs
 * (each the body of the same HTTP command, with Vietnamese amounts and references to the decisions, vouchers
 * and documents above) and figure (what a document states: an assertion).
 *
 * The text is read by journal-text.js, in a worker (journal-reader.ts), within JOURNAL_LIMITS
 * (src/shared/validation/input-limits.ts).
 */

export const JOURNAL_FORMAT_VERSION = 1;

/** One problem of a journal, with where it is: the entry (index, id, line in the file) and the field. */
export interface JournalProblem {
  /** Index of the entry in `entries` (0-based); absent for a problem of the journal's header. */
  readonly entry?: number;
  readonly id?: string;
  /** Line of the file where the entry (or, for a syntax error, the problem) is, when the journal came as text. */
  readonly line?: number;
  /** Where exactly the problem is in the text: the field's value (or key), or the syntax error; 1-based. */
  readonly at?: TextPlace;
  readonly field: string;
  readonly problem: string;
  /** Machine code of a business rule that refused the entry, e.g. INSUFFICIENT_UNALLOCATED. */
  readonly code?: string;
}

/** A place in a journal's text, 1-based. */
export interface TextPlace {
  readonly line: number;
  readonly column: number;
}

/** A field of an entry, as problems name it: entry 12, "figure.sumOf[0]". */
export interface FieldQuery {
  readonly entry: number;
  readonly field: string;
}

/** The journal as read from its text: plain data, the line of each entry, and its identity. */
export interface JournalText {
  readonly value: unknown;
  /** Line (1-based) of each entry, by index. */
  readonly entryLines: readonly number[];
  /**
   * Where fields of entries are written ("figure.amount" of entry 12): each one's line and column, or the nearest place
   * above it; asked once, for the problems of a refused journal (the reader parses the text again, off the event loop).
   */
  readonly locate?: (fields: readonly FieldQuery[]) => Promise<readonly (TextPlace | undefined)[]>;
  /** SHA-256 of the canonical content: the same journal, however formatted or commented, has the same digest. */
  readonly digest: string;
  readonly problems: readonly JournalProblem[];
}

/** Hash of the canonical JSON of the journal's content. */
export function journalDigest(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

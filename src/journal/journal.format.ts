import { createHash } from 'node:crypto';
import { LineCounter, Node, Pair, parseDocument, isMap, isPair, isScalar, isSeq } from 'yaml';
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
  readonly at?: { readonly line: number; readonly column: number };
  readonly field: string;
  readonly problem: string;
  /** Machine code of a business rule that refused the entry, e.g. INSUFFICIENT_UNALLOCATED. */
  readonly code?: string;
}

/** The journal as read from its text: plain data, the line of each entry, and its identity. */
export interface JournalText {
  readonly value: unknown;
  /** Line (1-based) of each entry, by index. */
  readonly entryLines: readonly number[];
  /** Where a field of an entry is written ("figure.amount" of entry 12): its line and column, or the nearest place above it. */
  readonly locate?: (entry: number, field: string) => { line: number; column: number } | undefined;
  /** SHA-256 of the canonical content: the same journal, however formatted or commented, has the same digest. */
  readonly digest: string;
  readonly problems: readonly JournalProblem[];
}

/** Hash of the canonical JSON of the journal's content. */
export function journalDigest(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

/**
 * What most often causes a YAML error in a journal written by hand, by the parser's error code. A value with ": "
 * or a comma inside a flow mapping `{ … }` must be quoted.
 */
const LIKELY_CAUSES: Readonly<Record<string, string>> = {
  BLOCK_IN_FLOW: 'a ": " inside an unquoted value in { … } starts a mapping: quote the value ("Kinh phí: 3.008 triệu đồng")',
  BLOCK_AS_IMPLICIT_KEY: 'a ": " inside an unquoted value starts a mapping: quote the value',
  TAB_AS_INDENT: 'a tab used to indent: indent with spaces',
  BAD_INDENT: 'a line indented less than its mapping, or a "[" or "{" not closed on the line where it ends',
  MISSING_CHAR: 'a line indented differently from the other lines of its entry, or a list item without its "- "',
  UNEXPECTED_TOKEN: 'text after a closing quote: put the whole value inside the quotes',
  DUPLICATE_KEY: 'the same key written twice in one mapping',
  MULTILINE_IMPLICIT_KEY: 'a key, or an unquoted value in { … }, that runs over several lines: quote it or keep it on one line',
  BAD_DQ_ESCAPE: 'a backslash inside "…": write it twice, or use single quotes',
};

/** Reads YAML or JSON text (JSON is YAML). Syntax errors come back as problems with their line, column and likely cause. */
export function readJournalText(text: string): JournalText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const problems: JournalProblem[] = doc.errors.map((e) => {
    const at = lineCounter.linePos(e.pos[0]);
    const cause = LIKELY_CAUSES[e.code];
    return {
      line: at.line,
      at: { line: at.line, column: at.col },
      field: '(file)',
      problem: `${e.message.split('\n')[0]}${cause ? `; likely cause: ${cause}` : ''}`,
    };
  });
  if (problems.length > 0) return { value: null, entryLines: [], digest: '', problems };
  const entryLines: number[] = [];
  if (isMap(doc.contents)) {
    const entries = doc.contents.get('entries', true);
    if (isSeq(entries)) {
      for (const item of entries.items) {
        const range = (item as { range?: [number, number, number] }).range;
        entryLines.push(range ? lineCounter.linePos(range[0]).line : 0);
      }
    }
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const locate = (entry: number, field: string) => {
    const entries = isMap(doc.contents) ? doc.contents.get('entries', true) : undefined;
    if (!isSeq(entries)) return undefined;
    let node: unknown = entries.items[entry];
    let place = rangeOf(node);
    for (const segment of field.split(/\.|(?=\[)/).filter((x) => x !== '')) {
      const index = /^\[(\d+)\]$/.exec(segment);
      let next: unknown;
      if (index && isSeq(node)) next = node.items[Number(index[1])];
      else if (isMap(node)) {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === segment);
        next = pair ? (pair.value ?? pair.key) : undefined;
      }
      if (next === undefined || next === null) break;
      node = isPair(next) ? next.value : next;
      place = rangeOf(node) ?? place;
    }
    if (place === undefined) return undefined;
    const at = lineCounter.linePos(place);
    return { line: at.line, column: at.col };
  };
  return { value, entryLines, digest: journalDigest(value), problems: [], locate };
}

/** The offset a node starts at in the text. */
function rangeOf(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

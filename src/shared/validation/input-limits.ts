/**
 * Limits on the shape of what a client sends, checked before any parser or validator spends time on it: a request
 * that breaks one gets a short 400 naming the limit, in time proportional to how far it got. Each limit is far above
 * what a real command or journal needs (the demo's 2024 Văn Quan journal: 238 entries, 67 KB, 7 levels deep).
 */

export interface ShapeLimits {
  /** Levels of nesting of objects and arrays (a command's `from.line.unit` is 3). */
  readonly depth: number;
  /** Fields and items in all, counted over every object and array of the body. */
  readonly values: number;
}

/** A command body: its DTO nests 3 levels, and its longest list holds 500 communes. */
export const COMMAND_LIMITS: ShapeLimits = { depth: 32, values: 5_000 };

/** Any other JSON body (a report sent back to be verified): a document, nested and long, but within bounds. */
export const DOCUMENT_LIMITS: ShapeLimits = { depth: 64, values: 500_000 };

/**
 * A journal (YAML or JSON). Its size in bytes is LEDGER_JOURNAL_LIMIT_MB, the journal route's body limit
 * (api/hardening.ts), which the reader applies to a file given to `ledger import` as well.
 */
export const JOURNAL_LIMITS = {
  depth: 64,
  /** Keys, items and scalars in all. */
  values: 500_000,
  /** Keys of one mapping (the journal's `decisions`, say), items of one list other than `entries`. */
  keys: 10_000,
  /** Entries of the journal: split a larger one in several files. */
  entries: 10_000,
  /** Aliases (`*name`) used, and nodes they may expand to (YAML). */
  aliases: 100,
} as const;

/** At most this many problems are listed in an answer; the last one says how many were left out. */
export const MAX_PROBLEMS = 100;

/** Caps a list of problems at MAX_PROBLEMS, the last saying how many more there were. */
export function capProblems<P extends { field: string; problem: string }>(problems: readonly P[], summary: (more: number) => P): P[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  return [...problems.slice(0, MAX_PROBLEMS - 1), summary(problems.length - (MAX_PROBLEMS - 1))];
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Checks the nesting depth and the number of values of JSON text in one pass over its characters, before
 * JSON.parse (whose recursion a deep enough text overflows). Returns why the text breaks a limit, or null.
 * Text that is not JSON passes: the parser reports its syntax error.
 */
export function jsonShapeProblem(text: string, limits: ShapeLimits): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    switch (c) {
      case 0x22:
        inString = true;
        break;
      case 0x7b /* { */:
      case 0x5b /* [ */:
        depth += 1;
        if (depth > limits.depth) return `nests deeper than ${limits.depth} levels of objects and arrays (the depth limit: at most ${limits.depth})`;
        values += 1;
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        depth -= 1;
        break;
      case 0x2c /* , */:
      case 0x3a /* : */:
        values += 1;
        if (values > limits.values) return `has more than ${fmt(limits.values)} fields and items (the values limit: at most ${fmt(limits.values)} in all)`;
        break;
    }
  }
  return null;
}

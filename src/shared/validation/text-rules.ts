import type { FieldProblem } from '../errors';

/**
 * What text the ledger stores. Every string of a command or journal is Unicode NFC (Vietnamese typed with combining
 * accents and typed precomposed is one text: "huyện" is one issuer), and none holds characters that hide or fake
 * what a person reads: control characters (NUL, ANSI escapes...), bidirectional overrides and isolates (which can
 * show "4888/QĐ-UBND" for other bytes), lone surrogates, or U+FFFD (what a wrong decoding leaves behind).
 * Line breaks and tabs are allowed in free text (a reason, a note), never in identifiers (see IsLabel).
 */

// C0 controls but tab, line feed and carriage return; DEL and C1 controls; bidi embeddings, overrides and isolates;
// U+FFFD.
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffd]/u;
/** A high surrogate not followed by a low one, or a low one not after a high one (String.isWellFormed is ES2024). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Names that are properties of every JavaScript object: never a field of the ledger, and a trap for whitelists. */
const OBJECT_MEMBERS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) as number;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0) return `a NUL character (${hex})`;
  if (code === 0x1b) return `an escape character (${hex}, as in terminal colour codes)`;
  if (code >= 0x202a && code <= 0x202e) return `a bidirectional override (${hex}), which reorders what is shown`;
  if (code >= 0x2066 && code <= 0x2069) return `a bidirectional isolate (${hex}), which reorders what is shown`;
  if (code === 0xfffd) return `a replacement character (${hex}): the text was decoded with the wrong encoding`;
  return `a control character (${hex})`;
}

/** Why a string may not be stored, or null. */
export function textProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return 'contains a lone surrogate (not a Unicode character): send valid UTF-8 text';
  const m = FORBIDDEN.exec(value);
  return m ? `contains ${describeChar(m[0])} at character ${m.index + 1}` : null;
}

export interface NormalizedInput<T = unknown> {
  readonly value: T;
  readonly problems: readonly FieldProblem[];
}

export interface NormalizeOptions {
  /** Refuse `null` anywhere: a field is given or left out (a command body). Journals read YAML's empty values as absent. */
  readonly refuseNull?: boolean;
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * A copy of plain JSON-like data with every string and key in NFC, and every problem of its text: forbidden
 * characters (textProblem), keys that are names of every object's own members (`constructor`, `__proto__`...),
 * and, when asked, nulls. Fields are named as the validation problems name them ("decision.number", "moves[0]").
 * The depth was bounded by the parser (input-limits.ts).
 */
export function normalizeInput<T>(value: T, options: NormalizeOptions = {}, path = ''): NormalizedInput<T> {
  const problems: FieldProblem[] = [];
  const walk = (v: unknown, field: string): unknown => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) problems.push({ field: field || '(body)', problem });
      return problem ? v : v.normalize('NFC');
    }
    if (v === null) {
      if (options.refuseNull) problems.push({ field: field || '(body)', problem: 'is null: give a value, or leave the field out' });
      return v;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${field}[${i}]`));
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object)) {
        const name = at(field, key);
        if (OBJECT_MEMBERS.has(key)) {
          problems.push({ field: name, problem: `"${key}" is not a field of the ledger (it names a member of every object)` });
          continue;
        }
        const keyProblem = textProblem(key);
        if (keyProblem) {
          problems.push({ field: name, problem: `the field name ${keyProblem}` });
          continue;
        }
        Object.defineProperty(out, key.normalize('NFC'), { value: walk((v as Record<string, unknown>)[key], name), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  const normalized = walk(value, path) as T;
  return { value: normalized, problems };
}

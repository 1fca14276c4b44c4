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
export const OBJECT_MEMBERS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

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

/**
 * What no string of plain text needs a closer look for: none of the characters FORBIDDEN names below U+0300, and
 * nothing from U+0300 on (combining marks, the other forbidden characters, surrogates). A string without any is
 * stored as it is: every character below U+0300 is in NFC and composes with nothing before it.
 */
const NEEDS_A_LOOK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u0300-\uffff]/;

/** Why a string may not be stored, or null: the full look, for any string. */
export function forbiddenTextProblem(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return 'contains a lone surrogate (not a Unicode character): send valid UTF-8 text';
  const m = FORBIDDEN.exec(value);
  return m ? `contains ${describeChar(m[0])} at character ${m.index + 1}` : null;
}

/** Why a string may not be stored, or null: the full look only for a string with a character that needs one. */
export function textProblem(value: string): string | null {
  return NEEDS_A_LOOK.test(value) ? forbiddenTextProblem(value) : null;
}

/** The string in NFC: itself when it has nothing from U+0300 on (see NEEDS_A_LOOK). */
const nfc = (value: string): string => (NEEDS_A_LOOK.test(value) ? value.normalize('NFC') : value);

export interface NormalizedInput<T = unknown> {
  readonly value: T;
  readonly problems: readonly FieldProblem[];
}

export interface NormalizeOptions {
  /** Refuse `null` anywhere: a field is given or left out (a command body). Journals read YAML's empty values as absent. */
  readonly refuseNull?: boolean;
}

/**
 * Plain JSON-like data with every string and key in NFC, and every problem of its text: forbidden characters
 * (textProblem), keys that are names of every object's own members (`constructor`, `__proto__`...), and, when asked,
 * nulls. Fields are named as the validation problems name them ("decision.number", "moves[0]"). An object or array
 * whose text is already right, and whose prototype is the plain one, is returned as it is (no copy); any other is
 * copied with its own enumerable string keys, as `{}` or `[]`. The depth was bounded by the parser (input-limits.ts).
 */
export function normalizeInput<T>(value: T, options: NormalizeOptions = {}, path = ''): NormalizedInput<T> {
  const problems: FieldProblem[] = [];
  const refuseNull = options.refuseNull === true;
  const walk = (v: unknown, field: string): unknown => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) {
        problems.push({ field: field || '(body)', problem });
        return v;
      }
      return nfc(v);
    }
    if (v === null) {
      if (refuseNull) problems.push({ field: field || '(body)', problem: 'is null: give a value, or leave the field out' });
      return v;
    }
    if (typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      // `map` keeps the holes of a sparse array, as the copy always did.
      let copy: unknown[] | undefined = Object.getPrototypeOf(v) === Array.prototype ? undefined : v.map((item) => item);
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) continue;
        const item: unknown = v[i];
        const out = walk(item, `${field}[${i}]`);
        if (out !== item && copy === undefined) copy = v.map((x) => x);
        if (copy !== undefined) copy[i] = out;
      }
      return copy ?? v;
    }
    const source = v as Record<string, unknown>;
    const keys = Object.keys(source);
    let copy: Record<string, unknown> | undefined;
    // Copies the first `count` keys, as they were, into a new plain object.
    const start = (count: number) => {
      const out: Record<string, unknown> = {};
      for (let j = 0; j < count; j++) out[keys[j]] = source[keys[j]];
      return out;
    };
    if (Object.getPrototypeOf(v) !== Object.prototype) copy = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const name = field ? `${field}.${key}` : key;
      if (OBJECT_MEMBERS.has(key)) {
        problems.push({ field: name, problem: `"${key}" is not a field of the ledger (it names a member of every object)` });
        copy ??= start(i);
        continue;
      }
      const keyProblem = textProblem(key);
      if (keyProblem) {
        problems.push({ field: name, problem: `the field name ${keyProblem}` });
        copy ??= start(i);
        continue;
      }
      const item = source[key];
      const out = walk(item, name);
      const normalKey = nfc(key);
      if (copy === undefined && (out !== item || normalKey !== key)) copy = start(i);
      // Plain assignment is safe: no key is `__proto__` (OBJECT_MEMBERS), and NFC leaves ASCII as it is.
      if (copy !== undefined) copy[normalKey] = out;
    }
    return copy ?? v;
  };
  const normalized = walk(value, path) as T;
  return { value: normalized, problems };
}

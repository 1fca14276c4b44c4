/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte form of a JSON value that is hashed and signed.
 * Object members are sorted by the UTF-16 code units of their names (what Array.prototype.sort does
 * on strings), numbers and strings are written as ECMAScript's JSON.stringify writes them, no whitespace.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Members whose value is undefined do not exist in JSON (JSON.stringify drops them too).
    const names = Object.keys(record)
      .filter((name) => record[name] !== undefined)
      .sort();
    return `{${names.map((name) => `${JSON.stringify(name)}:${canonicalJson(record[name])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a value of type ${typeof value}`);
}

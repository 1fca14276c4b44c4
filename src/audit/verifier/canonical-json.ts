/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte form of a JSON value that is hashed and signed.
 * Object members are sorted by the UTF-16 code units of their names (what Array.prototype.sort does
 * on strings), numbers and strings are written as ECMAScript's JSON.stringify writes them, no whitespace.
 * Written with plain loops: every event recorded is canonicalised once, on the path of its command.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const name of names) {
      const member = record[name];
      // Members whose value is undefined do not exist in JSON (JSON.stringify drops them too).
      if (member === undefined) continue;
      out += `${first ? '' : ','}${JSON.stringify(name)}:${canonicalJson(member)}`;
      first = false;
    }
    return `${out}}`;
  }
  throw new TypeError(`canonical JSON has no form for a value of type ${typeof value}`);
}

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Object members are sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3); strings and
 * numbers are serialised exactly as ECMAScript's JSON.stringify does (§3.2.2), which is what the RFC specifies.
 * Values JSON cannot represent (undefined, functions, symbols, bigint, non-finite numbers) are refused rather
 * than silently dropped, so two parties can never disagree on what was signed.
 */
export function canonicalize(value: unknown): string {
  return write(value, 0);
}

const MAX_DEPTH = 64;
/**
 * Strings JSON.stringify would print unchanged between quotes: printable ASCII without `"` and `\`. Most
 * strings in audit events and bodies are (ids, codes, digests, names in ASCII); they skip the native call.
 */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function str(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

// String concatenation rather than an array of parts: V8 builds the result as a rope, and a ledger append
// canonicalises its event and body on the event loop (half the time of the array version, measured).
function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new TypeError('canonicalize: nesting deeper than 64 levels');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return str(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalize: non-finite number');
      // Number-to-string is what JSON.stringify prints (-0 as 0), as RFC 8785 §3.2.2.3 requires.
      return String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalize: cannot represent a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], depth + 1);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 prescribes.
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = obj[key];
    if (member === undefined) throw new TypeError(`canonicalize: member "${key}" is undefined`);
    if (i > 0) out += ',';
    out += `${str(key)}:${write(member, depth + 1)}`;
  }
  return `${out}}`;
}

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * Object members are sorted by their names as arrays of UTF-16 code units (RFC 8785 §3.2.3); strings and
 * numbers are serialised exactly as ECMAScript's JSON.stringify does (§3.2.2), which is what the RFC specifies.
 * Values JSON cannot represent (undefined, functions, symbols, bigint, non-finite numbers) are refused rather
 * than silently dropped, so two parties can never disagree on what was signed.
 */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, out, 0);
  return out.join('');
}

const MAX_DEPTH = 64;

function write(value: unknown, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('canonicalize: nesting deeper than 64 levels');
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalize: non-finite number');
      // JSON.stringify prints -0 as 0, as RFC 8785 §3.2.2.3 requires.
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalize: cannot represent a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out, depth + 1);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 prescribes.
  const keys = Object.keys(obj).sort();
  out.push('{');
  let first = true;
  for (const key of keys) {
    const member = obj[key];
    if (member === undefined) throw new TypeError(`canonicalize: member "${key}" is undefined`);
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(member, out, depth + 1);
  }
  out.push('}');
}

/**
 * JSON as PHP's json_encode writes it by default (contract Q21): non-ASCII as `\uXXXX` (lowercase hex, UTF-16 units)
 * and `/` as `\/`. A direct serialiser (one pass, no post-processing of the whole text) for plain data:
 * objects, arrays, strings, finite numbers, booleans, null (undefined object members are skipped, like JSON).
 */

const PLAIN = /^[\x20-\x21\x23-\x2e\x30-\x5b\x5d-\x7e]*$/; // printable ASCII except " / \

export function phpJson(value: unknown): string {
  return write(value);
}

function write(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(v)) {
        let r = '[';
        for (let i = 0; i < v.length; i++) r += i > 0 ? `,${write(v[i])}` : write(v[i]);
        return `${r}]`;
      }
      let r = '{';
      let first = true;
      for (const k in v as Record<string, unknown>) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || typeof x === 'function') continue;
        r += `${first ? '' : ','}${str(k)}:${write(x)}`;
        first = false;
      }
      return `${r}}`;
    }
    default:
      return 'null';
  }
}

// Names, seat labels and hosts repeat a lot: remember their escaped form (bounded).
const memo = new Map<string, string>();
const NON_ASCII = /[^\x20-\x7e]/; // (control characters are escaped too, but never repeat)
function str(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  if (!NON_ASCII.test(s)) return escapeString(s);
  let e = memo.get(s);
  if (e === undefined) {
    e = escapeString(s);
    if (memo.size >= 20_000) memo.clear();
    memo.set(s, e);
  }
  return e;
}

const SHORT: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 47: '\\/', 92: '\\\\' };

function escapeString(s: string): string {
  let r = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 34 && c !== 47 && c !== 92) continue;
    if (i > from) r += s.slice(from, i);
    r += SHORT[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return `${r}${s.slice(from)}"`;
}

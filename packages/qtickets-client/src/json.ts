/** JSON parsing that keeps money exact (contract §4.3: money arrives as JSON numbers, possibly fractional). */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { [key: string]: JsonValue };

type ReviverContext = { source?: string };

const PLAIN_INTEGER = /^-?(0|[1-9]\d*)$/;

/** Integers a double holds exactly stay numbers; anything else keeps its source text. */
function keepsAsNumber(source: string): boolean {
  if (!PLAIN_INTEGER.test(source)) return false;
  return source.replace('-', '').length < 16 || Number.isSafeInteger(Number(source));
}

/**
 * Reference implementation: `JSON.parse` with a source-text reviver (`context.source`, Node 24).
 * Same result as parseApiJson, slower (one callback per value).
 */
export function parseApiJsonWithReviver(text: string): JsonValue {
  const reviver = (_key: string, value: unknown, context?: ReviverContext): unknown => {
    if (typeof value !== 'number') return value;
    const source = context?.source;
    if (source === undefined) {
      // Engines without source-text access: only integers are safe to keep; anything else would already be rounded.
      if (Number.isSafeInteger(value)) return value;
      throw new Error('parseApiJson needs JSON.parse source text access (Node 24+)');
    }
    return keepsAsNumber(source) ? value : source;
  };
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown) as JsonValue;
}

// JSON strings or numbers, in document order; strings are matched whole so digits inside them are skipped.
const TOKENS = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
// The marker: a leading NUL char, which a JSON string can only contain via a `\u0000` escape.
const MARK_ESCAPE = /\\u0000/i;

function unmark(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.charCodeAt(0) === 0 ? value.slice(1) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = unmark(value[i] as JsonValue);
    return value;
  }
  for (const key of Object.keys(value)) {
    // A number in key position is invalid JSON that the quoting would otherwise have "repaired".
    if (key.charCodeAt(0) === 0) throw new SyntaxError('Unexpected number in JSON at an object key position');
    value[key] = unmark(value[key] as JsonValue);
  }
  return value;
}

/**
 * Parses an API body keeping every number exact: integers within Number.MAX_SAFE_INTEGER stay numbers; every other
 * number (fractional, exponent form, or an integer too large for a double) becomes its exact source text as a string,
 * e.g. `1222.03` → `"1222.03"`, `12345678901234567890` → `"12345678901234567890"`. Throws a SyntaxError on invalid JSON.
 *
 * Semantics are those of `JSON.parse` with a source-text reviver (parseApiJsonWithReviver); this version gets the
 * same result faster by quoting the few inexact number tokens before a plain `JSON.parse`.
 */
export function parseApiJson(text: string): JsonValue {
  if (MARK_ESCAPE.test(text)) return parseApiJsonWithReviver(text);
  let needsMarking = false;
  let out = '';
  let last = 0;
  TOKENS.lastIndex = 0;
  for (let m = TOKENS.exec(text); m !== null; m = TOKENS.exec(text)) {
    const token = m[0];
    if (token.charCodeAt(0) === 34 /* " */ || keepsAsNumber(token)) continue;
    needsMarking = true;
    out += `${text.slice(last, m.index)}"\\u0000${token}"`;
    last = m.index + token.length;
  }
  if (!needsMarking) return JSON.parse(text) as JsonValue;
  out += text.slice(last);
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(out) as JsonValue;
  } catch {
    // Invalid input: let the reference parser produce the genuine SyntaxError for the original text.
    return parseApiJsonWithReviver(text);
  }
  return unmark(parsed);
}

export function isJsonRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

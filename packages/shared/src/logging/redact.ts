/** Deep redaction applied to everything a logger writes: secrets by key, personal data by key and by shape. */

export const REDACTED = '[REDACTED]';

const SECRET_KEY = /(authorization|token|password|passwd|secret|salt|cookie|api[-_]?key|signature)/i;
const PII_KEY = /(e-?mail|phone|surname|middlename|first_?name|last_?name|client_name|card_number|cancel_url|payment_url|pdf_url|passbook_url)/i;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Phone numbers: +7 / 8 followed by 10 digits with optional separators, or any +country number of 10–14 digits.
const PHONE = /(?<![\w])(?:\+\d[\d\s\-()]{8,16}\d|8[\s-]?\(?9\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2})(?![\w])/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const URL_CREDENTIALS = /(\w+:\/\/)([^:/@\s]*):([^@/\s]+)@/g;

export function redactString(s: string): string {
  return s.replace(BEARER, `$1 ${REDACTED}`).replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`).replace(EMAIL, REDACTED).replace(PHONE, REDACTED);
}

export function redactValue(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 12) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: redactString(value.message) };
    if (value.stack) out.stack = redactString(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v, seen, depth);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactEntry(k, v, seen, depth);
  return out;
}

function redactEntry(key: string, v: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (v !== null && v !== undefined && v !== '' && (SECRET_KEY.test(key) || PII_KEY.test(key))) {
    return REDACTED;
  }
  return redactValue(v, seen, depth + 1);
}

/**
 * Value schemas for the quirks of contract §4.3 and §10: exact money, offset-keeping timestamps, mixed booleans,
 * numeric strings, and `[]`/`""` standing in for empty objects.
 */
import { z } from 'zod';

const MONEY = /^-?\d+(?:\.(\d{1,2})0*)?$/;

/** Canonical decimal string with exactly two decimals: "585" → "585.00", "585.5" → "585.50". */
export function canonicalMoney(text: string): string {
  const m = MONEY.exec(text);
  if (!m) throw new RangeError(`not a money amount with at most 2 decimals: ${text}`);
  const negative = text.startsWith('-');
  const [intPart = '0'] = text.replace(/^-/, '').split('.');
  const integer = BigInt(intPart).toString();
  const cents = (m[1] ?? '').padEnd(2, '0');
  const zero = integer === '0' && cents === '00';
  return `${negative && !zero ? '-' : ''}${integer}.${cents}`;
}

/**
 * Money: an integer JSON number, or the numeric source text that parseApiJson produces for fractional values.
 * Output: a canonical 2-decimal string. More than 2 significant decimals, exponents or plain floats are rejected
 * (a float has already lost exactness — parse with parseApiJson).
 */
export const money = z
  .union([
    z.number().int({ message: 'money as a JSON number must be an integer; parse responses with parseApiJson to keep fractions exact' }),
    z.string().regex(MONEY, { message: 'money must be a decimal with at most 2 decimals' }),
  ])
  .transform((v) => canonicalMoney(typeof v === 'number' ? String(v) : v));

export const nullableMoney = money.nullable();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `YYYY-MM-DDTHH:MM:SS±HH:MM` (also `Z`, fractional seconds). The original string is kept — offset included. */
export const timestamp = z.string().regex(TIMESTAMP, { message: 'expected an ISO timestamp with offset, e.g. 2025-11-01T00:00:00+03:00' });

export const nullableTimestamp = timestamp.nullable();

/** true/false, 0/1 or "0"/"1" (§4.3) → boolean. */
export const mixedBool = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
  .transform((v) => v === true || v === 1 || v === '1');

/** An integer id or count, also when it arrives as a digit string (Q12) → number. */
export const intLike = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/, { message: 'expected an integer' })])
  .transform((v) => (typeof v === 'number' ? v : Number(v)))
  .pipe(z.number().int());

/** A non-money number (coordinates): number or numeric string → number. */
export const numeric = z
  .union([z.number(), z.string().regex(/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/, { message: 'expected a number' })])
  .transform((v) => (typeof v === 'number' ? v : Number(v)));

/** A string field that sometimes arrives as a number (payment_type_id, color_theme, UTM ids) → string. */
export const stringish = z.union([z.string(), z.number()]).transform((v) => String(v));

function isEmptyPlaceholder(v: unknown): boolean {
  return v === '' || (Array.isArray(v) && v.length === 0);
}

/** An object that the API sends as `[]` or `""` when empty (Q11) → the object, or null when empty/absent. */
export function emptyAsNull<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === undefined || isEmptyPlaceholder(v) ? null : v), schema.nullable());
}

/** A free-form JSON object (`custom`, `fields`, `integrations`), `[]`/`""` when empty. */
export const looseJsonObject = emptyAsNull(z.record(z.string(), z.unknown()));

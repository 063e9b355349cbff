/**
 * The `where` grammar of contract §3.3 — building it, formatting dates for it, and evaluating it locally, because
 * the server may silently ignore filters (UNV, Q1/Q5): every filtered fetch must be verified (§4.4).
 */

/** Operators of §3.3 (DOC) plus `not null` (UNV) and `<>` (SQL alias of `!=`), accepted for local evaluation. */
export type WhereOperator = '=' | '!=' | '<>' | '<' | '>' | '<=' | '>=' | 'in' | 'not in' | 'in array' | 'not in array' | 'null' | 'not null';

/** One AND-combined condition. `operator` defaults to `=`; typed loosely so callers' own condition types fit. */
export type WhereCondition = { column: string; operator?: WhereOperator | (string & {}); value?: unknown };
export type Where = WhereCondition[];
export type OrderBy = Record<string, 'asc' | 'desc'>;

const OPERATORS = new Set<string>(['=', '!=', '<>', '<', '>', '<=', '>=', 'in', 'not in', 'in array', 'not in array', 'null', 'not null']);

const MOSCOW_OFFSET_MINUTES = 180;

/**
 * Formats an instant the way the API writes timestamps (§3.3/§4.3): `2025-11-01T00:00:00+03:00`, in the given
 * fixed offset (default Moscow, +03:00), seconds precision.
 */
export function formatApiTimestamp(instant: Date | number | string, offsetMinutes: number = MOSCOW_OFFSET_MINUTES): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`formatApiTimestamp: not a valid instant: ${String(instant)}`);
  if (!Number.isInteger(offsetMinutes) || Math.abs(offsetMinutes) > 14 * 60) throw new RangeError('formatApiTimestamp: bad offset');
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const date = `${String(local.getUTCFullYear()).padStart(4, '0')}-${p2(local.getUTCMonth() + 1)}-${p2(local.getUTCDate())}`;
  const time = `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}`;
  return `${date}T${time}${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of a timestamp string with an explicit offset (or Z); undefined for anything else. */
export function timestampToEpochMs(value: string): number | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const fracMs = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), fracMs);
  let offset = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc - offset * 60_000;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

type Comparable = { type: 'number'; n: number } | { type: 'instant'; n: number } | { type: 'string'; s: string } | { type: 'other' };

function comparable(value: unknown): Comparable {
  if (typeof value === 'number' && Number.isFinite(value)) return { type: 'number', n: value };
  if (typeof value === 'boolean') return { type: 'number', n: value ? 1 : 0 };
  if (value instanceof Date) return { type: 'instant', n: value.getTime() };
  if (typeof value === 'string') {
    if (NUMERIC.test(value)) return { type: 'number', n: Number(value) };
    const instant = timestampToEpochMs(value);
    if (instant !== undefined) return { type: 'instant', n: instant };
    return { type: 'string', s: value };
  }
  return { type: 'other' };
}

/** -1/0/1, or undefined when the two values cannot be ordered against each other. */
function compare(a: unknown, b: unknown): number | undefined {
  const x = comparable(a);
  const y = comparable(b);
  if ((x.type === 'number' && y.type === 'number') || (x.type === 'instant' && y.type === 'instant')) return Math.sign(x.n - y.n);
  if (x.type === 'string' && y.type === 'string') return x.s < y.s ? -1 : x.s > y.s ? 1 : 0;
  return undefined;
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return compare(a, b) === 0;
}

function asArray(value: unknown, condition: WhereCondition): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`where: operator "${condition.operator}" on "${condition.column}" needs an array value`);
  return value;
}

/** Reads a column; dotted names (`client.id`) walk into nested objects. */
function readColumn(row: unknown, column: string): unknown {
  if (typeof row !== 'object' || row === null) return undefined;
  const record = row as Record<string, unknown>;
  if (column in record) return record[column];
  let current: unknown = row;
  for (const part of column.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Whether one record satisfies one condition (SQL-like: comparisons with null/missing are false). */
export function matchesCondition(row: unknown, condition: WhereCondition): boolean {
  const operator = (condition.operator ?? '=').toLowerCase();
  if (!OPERATORS.has(operator)) throw new TypeError(`where: unsupported operator "${condition.operator}"`);
  const actual = readColumn(row, condition.column);
  const expected = condition.value;
  switch (operator) {
    case 'null':
      return actual === null || actual === undefined;
    case 'not null':
      return actual !== null && actual !== undefined;
    case '=':
      if (expected === null || expected === undefined) return actual === null || actual === undefined;
      return actual !== null && actual !== undefined && looseEquals(actual, expected);
    case '!=':
    case '<>':
      if (expected === null || expected === undefined) return actual !== null && actual !== undefined;
      return actual !== null && actual !== undefined && !looseEquals(actual, expected);
    case '<':
    case '>':
    case '<=':
    case '>=': {
      if (actual === null || actual === undefined) return false;
      const c = compare(actual, expected);
      if (c === undefined) return false;
      return operator === '<' ? c < 0 : operator === '>' ? c > 0 : operator === '<=' ? c <= 0 : c >= 0;
    }
    case 'in':
      return asArray(expected, condition).some((v) => looseEquals(actual, v));
    case 'not in':
      return actual !== null && actual !== undefined && !asArray(expected, condition).some((v) => looseEquals(actual, v));
    case 'in array':
    case 'not in array': {
      // DOC only: the column holds an array; match when it contains the value (any of the values for an array).
      const haystack = Array.isArray(actual) ? actual : [];
      const needles = Array.isArray(expected) ? expected : [expected];
      const found = needles.some((n) => haystack.some((h) => looseEquals(h, n)));
      return operator === 'in array' ? found : !found;
    }
    default:
      return false;
  }
}

/** Evaluates the §3.3 grammar (AND of all conditions) on one record. Timestamps compare as instants across offsets. */
export function matchesWhere(row: unknown, where: readonly WhereCondition[]): boolean {
  return where.every((condition) => matchesCondition(row, condition));
}

/** Checks rows returned for a filtered request (§4.4): honoured only when no row violates the filter. */
export function verifyFilter(rows: readonly unknown[], where: readonly WhereCondition[]): { honoured: boolean; violations: number } {
  let violations = 0;
  for (const row of rows) if (!matchesWhere(row, where)) violations += 1;
  return { honoured: violations === 0, violations };
}

/** Validates a where list up front so a typo does not reach the API (and the local check) unnoticed. */
export function assertWhere(where: readonly WhereCondition[]): void {
  for (const condition of where) {
    if (typeof condition.column !== 'string' || condition.column === '') throw new TypeError('where: every condition needs a column');
    const operator = (condition.operator ?? '=').toLowerCase();
    if (!OPERATORS.has(operator)) throw new TypeError(`where: unsupported operator "${condition.operator}"`);
    if (['in', 'not in'].includes(operator)) asArray(condition.value, condition);
  }
}

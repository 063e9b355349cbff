import { parseTs } from './time.ts';

/**
 * The list-parameter grammar (contract §3.3–§3.5): `where` = array of {column, operator?, value?}, AND-combined;
 * operators = != < > <= >= in, not in, null (no value). `orderBy` = {column: "asc"|"desc"}. `page` 1-based.
 * A condition with value null behaves like Laravel's where(col, null): `=` → IS NULL, `!=` → IS NOT NULL (INF).
 * Anything the server could not turn into SQL (unknown column or operator, a `where` that is not an array of
 * conditions) raises QueryError, answered 503 UNKNOWN_ERROR like the real server's other failures (INF).
 */

export class QueryError extends Error {}

export type ColumnType = 'num' | 'bool' | 'str' | 'ts';
type Scalar = number | string | boolean | null;
export type Column<R> = { type: ColumnType; get: (row: R) => Scalar };
export type Columns<R> = (name: string) => Column<R> | undefined;

const OPERATORS = new Set(['=', '!=', '<>', '<', '>', '<=', '>=', 'in', 'not in', 'null']);

export function compileWhere<R>(where: unknown, columns: Columns<R>): ((row: R) => boolean) | null {
  if (where === undefined || where === null) return null;
  if (!Array.isArray(where)) throw new QueryError('where must be an array of conditions');
  const preds = where.map((c): ((row: R) => boolean) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c) || typeof (c as { column?: unknown }).column !== 'string') {
      throw new QueryError('a where condition needs a column');
    }
    const cond = c as { column: string; operator?: unknown; value?: unknown };
    const op = cond.operator === undefined ? '=' : String(cond.operator).toLowerCase().trim();
    if (!OPERATORS.has(op)) throw new QueryError(`unknown operator ${op}`);
    const col = columns(cond.column);
    if (!col) throw new QueryError(`unknown column ${cond.column}`);
    if (op === 'null') return (row) => col.get(row) === null;
    const value = cond.value;
    if (value === null || value === undefined) {
      if (op === '=') return (row) => col.get(row) === null;
      if (op === '!=' || op === '<>') return (row) => col.get(row) !== null;
      return () => false;
    }
    if (op === 'in' || op === 'not in') {
      const list = (Array.isArray(value) ? value : [value]).map((v) => operand(col.type, v));
      return (row) => {
        const x = normalise(col.type, col.get(row));
        if (x === null) return false;
        const hit = list.some((v) => v !== null && v === x);
        return op === 'in' ? hit : !hit;
      };
    }
    const v = operand(col.type, value);
    return (row) => {
      const x = normalise(col.type, col.get(row));
      if (x === null || v === null) return false;
      switch (op) {
        case '=':
          return x === v;
        case '!=':
        case '<>':
          return x !== v;
        case '<':
          return x < v;
        case '>':
          return x > v;
        case '<=':
          return x <= v;
        default:
          return x >= v;
      }
    };
  });
  return (row) => preds.every((p) => p(row));
}

export function compileOrderBy<R>(orderBy: unknown, columns: Columns<R>, idOf: (row: R) => number): ((a: R, b: R) => number) | null {
  if (orderBy === undefined || orderBy === null || orderBy === '') return null;
  if (typeof orderBy !== 'object' || Array.isArray(orderBy)) throw new QueryError('orderBy must be an object');
  const keys = Object.entries(orderBy as Record<string, unknown>).map(([name, dir]) => {
    const col = columns(name);
    if (!col) throw new QueryError(`unknown column ${name}`);
    const d = String(dir).toLowerCase();
    if (d !== 'asc' && d !== 'desc') throw new QueryError(`bad direction ${d}`);
    return { col, sign: d === 'asc' ? 1 : -1 };
  });
  if (keys.length === 0) return null;
  return (a, b) => {
    for (const { col, sign } of keys) {
      const x = normalise(col.type, col.get(a));
      const y = normalise(col.type, col.get(b));
      if (x === y) continue;
      // MySQL: NULL sorts first ascending, last descending
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    return idOf(a) - idOf(b);
  };
}

/** `page`: 1-based; anything that is not a positive integer reads as 1 (like a paginator would). */
export function parsePage(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function normalise(type: ColumnType, v: Scalar): number | string | null {
  if (v === null) return null;
  if (type === 'ts') return typeof v === 'number' ? v : parseTs(String(v));
  if (type === 'bool') return v === true || v === 1 || v === '1' ? 1 : 0;
  if (type === 'num') return typeof v === 'number' ? v : Number(v);
  return String(v);
}

function operand(type: ColumnType, v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'ts':
      return typeof v === 'string' ? parseTs(v) : null;
    case 'bool':
      return v === true || v === 1 || v === '1' || v === 'true' ? 1 : 0;
    case 'num': {
      const n = typeof v === 'boolean' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      return Number.isNaN(n) ? null : n;
    }
    default:
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

const TS_NAME = /(_at|_date|^active_from|^active_to|^reserved_to)$/;

/** Columns of serialised records: their top-level scalars, typed by the first non-null value (timestamps by name). */
export function recordColumns(rows: readonly Record<string, unknown>[]): Columns<Record<string, unknown>> {
  return (name) => {
    const first = rows[0];
    if (!first || !(name in first)) return undefined;
    const v = rows.find((r) => r[name] !== null)?.[name] ?? null;
    if (v !== null && typeof v === 'object') return undefined;
    const type: ColumnType = TS_NAME.test(name) ? 'ts' : typeof v === 'number' ? 'num' : typeof v === 'boolean' ? 'bool' : 'str';
    return { type, get: (row) => (row[name] ?? null) as Scalar };
  };
}

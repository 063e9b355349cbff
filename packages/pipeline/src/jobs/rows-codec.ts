import type { Row } from '../streams/stream.ts';

/** A table's rows as one column list and one array of values per row (its column names written once). */
type Compact = { columns: string[]; values: unknown[][] };

/**
 * How a write job's rows travel (its claim check): per table, columns + arrays instead of one object per row, which
 * repeats ~30 column names in every row. Rows of one table have one shape; a table whose rows differ in their keys,
 * or hold an `undefined` (which an object drops and an array would turn into null), travels as objects, unchanged.
 */
export const rowsCodec = {
  encode(tables: Record<string, Row[]>): Record<string, Compact | Row[]> {
    const out: Record<string, Compact | Row[]> = {};
    for (const [table, rows] of Object.entries(tables)) out[table] = compact(rows) ?? rows;
    return out;
  },
  decode(encoded: unknown): Record<string, Row[]> {
    const out: Record<string, Row[]> = {};
    for (const [table, v] of Object.entries(encoded as Record<string, Compact | Row[]>)) out[table] = Array.isArray(v) ? v : expand(v);
    return out;
  },
};

function compact(rows: Row[]): Compact | null {
  const first = rows[0];
  if (!first) return null;
  const columns = Object.keys(first);
  const values: unknown[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const vals: unknown[] = new Array(columns.length);
    let keys = 0;
    for (const _ in row) keys++;
    if (keys !== columns.length) return null;
    for (let c = 0; c < columns.length; c++) {
      const v = row[columns[c] as string];
      if (v === undefined) return null;
      vals[c] = v;
    }
    values[r] = vals;
  }
  return { columns, values };
}

function expand({ columns, values }: Compact): Row[] {
  const rows: Row[] = new Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const vals = values[r] as unknown[];
    const row: Row = {};
    for (let c = 0; c < columns.length; c++) row[columns[c] as string] = vals[c];
    rows[r] = row;
  }
  return rows;
}

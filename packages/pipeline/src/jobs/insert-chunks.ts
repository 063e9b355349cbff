import type { Row } from '../streams/stream.ts';

/**
 * A table's rows of one write job, already in the form ClickHouse inserts (design: the writer never parses rows).
 * Rows of one shape travel as `JSONCompactEachRow` lines under one column list (the ~30 column names are written once,
 * not per row); a table whose rows differ in their keys, or hold an `undefined` (which an object drops and an array
 * would turn into null), travels as `JSONEachRow` lines, unchanged. Every line ends with `\n`, so the bodies of many
 * jobs concatenate into one insert.
 */
export type InsertChunk = {
  format: 'JSONCompactEachRow' | 'JSONEachRow';
  /** The insert's column list (JSONCompactEachRow), in the order of each line's values; empty for JSONEachRow. */
  columns: string[];
  rows: number;
  /** The lines: a string where it is built (the transformer), bytes where it arrives (the writer, from Redis). */
  body: string | Buffer;
};
export type InsertTables = Record<string, InsertChunk>;

export function toInsertChunk(rows: readonly Row[]): InsertChunk {
  const first = rows[0];
  const columns = first ? Object.keys(first) : [];
  let body = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const values: unknown[] = new Array(columns.length);
    let keys = 0;
    for (const _ in row) keys++;
    if (keys !== columns.length) return objectChunk(rows);
    for (let c = 0; c < columns.length; c++) {
      const v = row[columns[c] as string];
      if (v === undefined) return objectChunk(rows);
      values[c] = v;
    }
    body += `${JSON.stringify(values)}\n`;
  }
  return { format: 'JSONCompactEachRow', columns, rows: rows.length, body };
}

function objectChunk(rows: readonly Row[]): InsertChunk {
  let body = '';
  for (const row of rows) body += `${JSON.stringify(row)}\n`;
  return { format: 'JSONEachRow', columns: [], rows: rows.length, body };
}

export function toInsertTables(tables: Record<string, readonly Row[]>): InsertTables {
  const out: InsertTables = {};
  for (const [table, rows] of Object.entries(tables)) if (rows.length > 0) out[table] = toInsertChunk(rows);
  return out;
}

/** The rows of a chunk as objects again (dry-run samples, tests); the writer itself never needs them. */
export function chunkRows(chunk: InsertChunk, limit = Number.POSITIVE_INFINITY): Row[] {
  const text = typeof chunk.body === 'string' ? chunk.body : chunk.body.toString('utf8');
  const out: Row[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || out.length >= limit) continue;
    const v = JSON.parse(line) as unknown;
    if (chunk.format === 'JSONEachRow') out.push(v as Row);
    else out.push(Object.fromEntries(chunk.columns.map((c, i) => [c, (v as unknown[])[i]])));
  }
  return out;
}

type Header = Record<string, { f: InsertChunk['format']; c: string[]; n: number; b: number }>;

/**
 * How a write job's chunks are stored under its claim check: one JSON header line (per table: format, columns, rows,
 * body bytes), then the bodies back to back. The writer reads it as bytes and slices the bodies out without decoding
 * or parsing them.
 */
export const insertChunksCodec = {
  encode(tables: InsertTables): Buffer {
    const header: Header = {};
    const bodies: string[] = [];
    for (const [table, chunk] of Object.entries(tables)) {
      const body = typeof chunk.body === 'string' ? chunk.body : chunk.body.toString('utf8');
      header[table] = { f: chunk.format, c: chunk.columns, n: chunk.rows, b: Buffer.byteLength(body) };
      bodies.push(body);
    }
    return Buffer.from(`${JSON.stringify(header)}\n${bodies.join('')}`);
  },
  decode(stored: Buffer): InsertTables {
    const nl = stored.indexOf(10);
    if (nl < 0) throw new Error('a write claim must start with its header line');
    const header = JSON.parse(stored.toString('utf8', 0, nl)) as Header;
    const out: InsertTables = {};
    let at = nl + 1;
    for (const [table, h] of Object.entries(header)) {
      out[table] = { format: h.f, columns: h.c, rows: h.n, body: stored.subarray(at, at + h.b) };
      at += h.b;
    }
    if (at !== stored.length) throw new Error(`a write claim holds ${stored.length} bytes, its header accounts for ${at}`);
    return out;
  },
};

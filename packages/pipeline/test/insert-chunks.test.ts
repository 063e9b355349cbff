import { describe, expect, it } from 'vitest';
import { chunkRows, insertChunksCodec, toInsertChunk, toInsertTables } from '../src/jobs/insert-chunks.ts';

type Tables = Record<string, Array<Record<string, unknown>>>;
/** Through the claim as the writer gets it: encoded, stored as bytes, sliced back out. */
const wire = (tables: Tables) => insertChunksCodec.decode(Buffer.from(insertChunksCodec.encode(toInsertTables(tables))));
const rowsOf = (tables: Tables) => Object.fromEntries(Object.entries(wire(tables)).map(([t, c]) => [t, chunkRows(c)]));

describe('insert chunks (a write job rows, insert-ready)', () => {
  it.each([
    [
      'one shape, nulls, decimals and Cyrillic kept',
      {
        t: [
          { a: 1, b: null, c: '1.10', d: 'Щелкунчик' },
          { a: 2, b: 'x', c: '0.00', d: 'a\nb "q"' },
        ],
      },
    ],
    ['several tables', { t: [{ a: 1 }], u: [{ x: 'y', z: [1, 2] }] }],
    ['rows of differing keys travel as objects', { t: [{ a: 1, b: 2 }, { a: 1 }] }],
    [
      'same key count, other keys: objects',
      {
        t: [
          { a: 1, b: 2 },
          { a: 1, c: 2 },
        ],
      },
    ],
  ])('%s', (_name, tables: Tables) => {
    expect(rowsOf(tables)).toEqual(tables);
  });

  it('writes column names once for a table of one shape, one line per row', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ order_id: i, price: '1.00' }));
    expect(toInsertChunk(rows)).toEqual({
      format: 'JSONCompactEachRow',
      columns: ['order_id', 'price'],
      rows: 3,
      body: '[0,"1.00"]\n[1,"1.00"]\n[2,"1.00"]\n',
    });
  });

  it('keeps a table holding undefined as objects (an array would turn it into null)', () => {
    const chunk = toInsertChunk([{ a: 1, b: undefined }]);
    expect(chunk.format).toBe('JSONEachRow');
    expect(chunk.body).toBe('{"a":1}\n');
  });

  it('drops empty tables and slices each body by its bytes (multi-byte text included)', () => {
    const decoded = wire({ t: [{ s: 'ё' }], e: [], u: [{ s: 'x' }] });
    expect(Object.keys(decoded)).toEqual(['t', 'u']);
    expect(decoded.t?.body.toString()).toBe('["ё"]\n');
    expect(decoded.u?.body.toString()).toBe('["x"]\n');
  });

  it('refuses a claim whose header does not account for its bytes', () => {
    const stored = Buffer.from(insertChunksCodec.encode(toInsertTables({ t: [{ a: 1 }] })));
    expect(() => insertChunksCodec.decode(Buffer.concat([stored, Buffer.from('x')]))).toThrow(/header accounts for/);
    expect(() => insertChunksCodec.decode(Buffer.from('no header'))).toThrow(/header line/);
  });
});

import { describe, expect, it } from 'vitest';
import { rowsCodec } from '../src/jobs/rows-codec.ts';

const wire = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
const roundTrip = (tables: Record<string, Array<Record<string, unknown>>>) => rowsCodec.decode(wire(rowsCodec.encode(tables)));

describe('write rows codec (columns + arrays)', () => {
  it.each([
    [
      'one shape, nulls and decimals kept',
      {
        t: [
          { a: 1, b: null, c: '1.10' },
          { a: 2, b: 'x', c: '0.00' },
        ],
      },
    ],
    ['several tables, one empty', { t: [{ a: 1 }], u: [{ x: 'y', z: [1, 2] }], v: [] }],
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
  ])('%s', (_name, tables) => {
    expect(roundTrip(tables)).toEqual(tables);
  });

  it('writes column names once for a table of one shape', () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ order_id: i, price: '1.00' }));
    expect(rowsCodec.encode({ t: rows })).toEqual({
      t: {
        columns: ['order_id', 'price'],
        values: [
          [0, '1.00'],
          [1, '1.00'],
          [2, '1.00'],
        ],
      },
    });
  });

  it('keeps a table holding undefined as objects (an array would turn it into null)', () => {
    const tables = { t: [{ a: 1, b: undefined }] };
    expect(rowsCodec.encode(tables).t).toBe(tables.t);
    expect(roundTrip(tables)).toEqual({ t: [{ a: 1 }] });
  });
});

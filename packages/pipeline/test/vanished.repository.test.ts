import { type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markVanished } from '../src/streams/sync/vanished.repository.ts';

const TABLE = 'dim_qtickets_color_themes';
const rule = { table: TABLE, deletedColumn: 'is_deleted' };
const row = (id: number, runId: string, ver: string) => ({ color_theme_id: id, color: '#000000', is_deleted: 0, vanished_at: null, _run_id: runId, _ver: ver });

describe('rows gone upstream after a complete full refresh', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testWarehouse('vanished');
  });
  afterAll(async () => ch?.close());

  const final = async () =>
    (
      await (
        await ch.client.query({
          query: `SELECT color_theme_id AS id, is_deleted, vanished_at IS NOT NULL AS gone FROM ${TABLE} FINAL ORDER BY id`,
          format: 'JSONEachRow',
        })
      ).json()
    ).map((r) => r as { id: string; is_deleted: number; gone: number });

  it('marks rows an earlier run saw and this one did not, once; a row that comes back is live again', async () => {
    await ch.client.insert({ table: TABLE, format: 'JSONEachRow', values: [row(1, 'r1', '2026-01-01 00:00:00.000'), row(2, 'r1', '2026-01-01 00:00:00.000')] });
    await ch.client.insert({ table: TABLE, format: 'JSONEachRow', values: [row(1, 'r2', '2026-01-02 00:00:00.000')] });
    expect(await markVanished(ch.client, rule, 'r2', new Date('2026-01-02T00:10:00Z'))).toBe(1);
    expect(await final()).toEqual([
      { id: '1', is_deleted: 0, gone: 0 },
      { id: '2', is_deleted: 1, gone: 1 },
    ]);
    // the next complete refresh that also misses it marks nothing new
    await ch.client.insert({ table: TABLE, format: 'JSONEachRow', values: [row(1, 'r3', '2026-01-03 00:00:00.000')] });
    expect(await markVanished(ch.client, rule, 'r3', new Date('2026-01-03T00:10:00Z'))).toBe(0);
    // it comes back upstream: the newer refresh wins
    await ch.client.insert({ table: TABLE, format: 'JSONEachRow', values: [row(1, 'r4', '2026-01-04 00:00:00.000'), row(2, 'r4', '2026-01-04 00:00:00.000')] });
    expect(await markVanished(ch.client, rule, 'r4', new Date('2026-01-04T00:10:00Z'))).toBe(0);
    expect(await final()).toEqual([
      { id: '1', is_deleted: 0, gone: 0 },
      { id: '2', is_deleted: 0, gone: 0 },
    ]);
  });
});

import { type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markVanished } from '../src/streams/sync/vanished.repository.ts';

/** Full refresh of a catalogue table: rows an earlier run saw and the complete run did not are marked deleted. */
describe('markVanished against ClickHouse', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testWarehouse('vanished');
  });
  afterAll(async () => ch?.close());

  const theme = (id: number, runId: string, ver: string) => ({
    color_theme_id: id,
    color: '#000000',
    is_deleted: 0,
    vanished_at: null,
    _run_id: runId,
    _ver: ver,
  });
  const state = async () =>
    (
      await (
        await ch.client.query({
          query: 'SELECT color_theme_id AS id, is_deleted, vanished_at IS NOT NULL AS vanished FROM dim_qtickets_color_themes FINAL ORDER BY id',
          format: 'JSONEachRow',
        })
      ).json<{ id: string; is_deleted: number; vanished: number }>()
    ).map((r) => [Number(r.id), r.is_deleted, r.vanished]);

  it('marks what the last complete refresh did not see, once, and a returning row wins again', async () => {
    await ch.client.insert({
      table: 'dim_qtickets_color_themes',
      format: 'JSONEachRow',
      values: [1, 2, 3].map((id) => theme(id, 'r1', '2026-11-20 10:00:00.000')),
    });
    await ch.client.insert({
      table: 'dim_qtickets_color_themes',
      format: 'JSONEachRow',
      values: [1, 3].map((id) => theme(id, 'r2', '2026-11-20 11:00:00.000')),
    });
    const rule = { table: 'dim_qtickets_color_themes', deletedColumn: 'is_deleted' };
    expect(await markVanished(ch.client, rule, 'r2', new Date('2026-11-20T11:01:00Z'))).toBe(1);
    expect(await state()).toEqual([
      [1, 0, 0],
      [2, 1, 1],
      [3, 0, 0],
    ]);
    expect(await markVanished(ch.client, rule, 'r2', new Date('2026-11-20T11:02:00Z'))).toBe(0);
    await ch.client.insert({
      table: 'dim_qtickets_color_themes',
      format: 'JSONEachRow',
      values: [1, 2, 3].map((id) => theme(id, 'r3', '2026-11-20 12:00:00.000')),
    });
    expect(await markVanished(ch.client, rule, 'r3', new Date('2026-11-20T12:01:00Z'))).toBe(0);
    expect((await state()).map(([, deleted]) => deleted)).toEqual([0, 0, 0]);
  });
});

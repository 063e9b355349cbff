import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logCollector, startAll, startHarness } from './pipeline-harness.ts';

const logs = logCollector();
const HOUR = 3_600_000;

type ShowFigures = { show_id: number; capacity: number; sold: number; held: number; free: number };

async function loaded(h: Harness): Promise<ShowFigures[]> {
  const rows = await (
    await h.ch.client.query({
      query: 'SELECT show_id, capacity, sold, held, free FROM v_sell_through_by_show ORDER BY show_id',
      format: 'JSONEachRow',
    })
  ).json<Record<string, string | number>>();
  return rows.map((r) => ({ show_id: Number(r.show_id), capacity: Number(r.capacity), sold: Number(r.sold), held: Number(r.held), free: Number(r.free) }));
}

function truth(h: Harness, ids: Set<number>): ShowFigures[] {
  return h.sim
    .truth()
    .shows.filter((s) => ids.has(s.show_id))
    .map((s) => ({ show_id: s.show_id, capacity: s.capacity, sold: s.sold, held: s.reserved, free: s.free }))
    .sort((a, b) => a.show_id - b.show_id);
}

describe('seat inventory end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 21, historyDays: 20, ordersPerDay: 60 }, logs.sink);
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
    await h.run('reconcile', 120_000, 'orders');
  });
  afterAll(async () => h?.close());

  it('snapshots every show once on the first run and equals the ground truth per show', async () => {
    await h.run('incremental', 120_000, 'inventory');
    const got = await loaded(h);
    const shows = Number(
      (
        await (
          await h.ch.client.query({
            query: 'SELECT count() AS n FROM stg_qtickets_api_shows FINAL WHERE deleted_at IS NULL AND event_deleted_at IS NULL',
            format: 'JSONEachRow',
          })
        ).json<{ n: string }>()
      )[0]?.n,
    );
    expect(got.length).toBe(shows);
    expect(got).toEqual(truth(h, new Set(got.map((g) => g.show_id))));
  });

  it('after the clock moves, re-reads only the shows that are due and matches the truth again', async () => {
    h.sim.advance(2 * HOUR);
    await h.run('reconcile', 120_000, 'events');
    await h.run('incremental', 120_000, 'orders');
    await h.run('incremental', 120_000, 'inventory');
    const got = await loaded(h);
    // shows snapshotted by this run are compared (far-away shows wait for their daily snapshot, ended ones are final)
    const fresh = await (
      await h.ch.client.query({
        query: 'SELECT show_id FROM v_sell_through_by_show WHERE snapshot_at >= parseDateTime64BestEffort({t:String}, 3)',
        query_params: { t: new Date(Date.parse(h.sim.now()) - 60_000).toISOString() },
        format: 'JSONEachRow',
      })
    ).json<{ show_id: string }>();
    const ids = new Set(fresh.map((r) => Number(r.show_id)));
    expect(ids.size).toBeGreaterThan(0);
    expect(ids.size).toBeLessThan(got.length);
    expect(got.filter((g) => ids.has(g.show_id))).toEqual(truth(h, ids));
  });
});

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

  it('stays within its request budget per run, and falls back to the hierarchical shape when flat is ignored', async () => {
    h.env.INVENTORY_MAX_SHOWS_PER_RUN = '5';
    await h.start('scheduler');
    h.sim.advance(30 * 86_400_000); // every show not over is due again
    await h.run('reconcile', 120_000, 'events');
    h.sim.setFaults({ ignoreFlat: true });
    h.sim.resetRequests();
    try {
      await h.run('incremental', 120_000, 'inventory');
    } finally {
      h.sim.setFaults({ ignoreFlat: false });
    }
    const seats = Object.values(h.sim.requests().byEndpoint['GET /shows/:id/seats'] ?? {}).reduce((n, c) => n + c, 0);
    expect(seats).toBeGreaterThan(0);
    expect(seats).toBeLessThanOrEqual(5);
    const rows = await (
      await h.ch.client.query({
        query: `SELECT shape, countIf(sold IS NULL) AS unknown, count() AS n FROM stg_qtickets_api_inventory_raw FINAL
                WHERE snapshot_at >= parseDateTime64BestEffort({t:String}, 3) GROUP BY shape`,
        query_params: { t: new Date(Date.parse(h.sim.now()) - 60_000).toISOString() },
        format: 'JSONEachRow',
      })
    ).json<{ shape: string; unknown: string; n: string }>();
    expect(rows.map((r) => r.shape)).toEqual(['hierarchical']);
    expect(Number(rows[0]?.unknown)).toBe(Number(rows[0]?.n));
    delete h.env.INVENTORY_MAX_SHOWS_PER_RUN;
    await h.start('scheduler');
  });

  it('a show whose request keeps failing fails its run at once (recorded, state kept); the next run succeeds', async () => {
    h.env.FETCH_ATTEMPTS = '2';
    h.env.FETCH_BACKOFF_MS = '50';
    await h.start('fetcher');
    const state = async () =>
      (
        await (
          await h.ch.client.query({ query: "SELECT last_run_id FROM etl_state FINAL WHERE stream = 'inventory'", format: 'JSONEachRow' })
        ).json<{ last_run_id: string }>()
      )[0]?.last_run_id;
    const before = await state();
    h.sim.advance(2 * 86_400_000);
    await h.run('reconcile', 120_000, 'events');
    h.sim.setFaults({ failingResources: ['shows'] });
    let failedRun: string;
    try {
      failedRun = await h.runExpectingFailure(60_000, 'inventory', 'incremental');
    } finally {
      h.sim.setFaults({ failingResources: [] });
    }
    expect(await state()).toBe(before);
    const recorded = async () =>
      (
        await (
          await h.ch.client.query({
            query: 'SELECT status, error FROM meta_job_runs FINAL WHERE run_id = {r:String}',
            query_params: { r: failedRun },
            format: 'JSONEachRow',
          })
        ).json<{
          status: string;
          error: string;
        }>()
      )[0];
    for (let i = 0; i < 100 && (await recorded())?.status !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await recorded()).toMatchObject({ status: 'failed', error: expect.stringMatching(/failed after 2 attempts/) });
    const next = await h.run('incremental', 120_000, 'inventory');
    expect(await state()).toBe(next);
    delete h.env.FETCH_ATTEMPTS;
    delete h.env.FETCH_BACKOFF_MS;
    await h.start('fetcher');
  });
});

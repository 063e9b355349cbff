import { RunTracker } from '@qtp/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendance, expectScansPerBarcode, LIST, SCAN, spent, truth, windowShows } from './checkins-truth.ts';
import { type Harness, logCollector, redisHashes, startAll, startHarness } from './pipeline-harness.ts';

const logs = logCollector();
const HOUR = 3_600_000;
const BUDGET = 250;
/** Runs the stream until a run has nothing to do; every run stays within the budget. Returns the requests per run. */
async function runUntilIdle(h: Harness, mode: 'incremental' | 'reconcile' = 'incremental'): Promise<Array<{ lists: number; scans: number }>> {
  const runs: Array<{ lists: number; scans: number }> = [];
  for (let i = 0; i < 15; i++) {
    const before = h.sim.requests();
    await h.run(i === 0 ? mode : 'incremental', 120_000, 'checkins');
    const r = { lists: spent(h, before, LIST), scans: spent(h, before, SCAN) };
    expect(r.lists + r.scans, `run ${i + 1} within CHECKINS_MAX_REQUESTS_PER_RUN`).toBeLessThanOrEqual(BUDGET);
    runs.push(r);
    if (r.lists + r.scans === 0) return runs;
  }
  throw new Error(`checkins did not settle: ${JSON.stringify(runs)}`);
}

describe('check-ins end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 31, historyDays: 20, ordersPerDay: 60 }, logs.sink);
    h.env.CHECKINS_MAX_REQUESTS_PER_RUN = String(BUDGET);
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
    await h.run('reconcile', 120_000, 'orders');
  }, 240_000);
  afterAll(async () => h?.close());

  it('first load: lists only the shows in their window and, in the same run, polls the barcodes they returned within the budget; equals the truth', async () => {
    const inWindow = await windowShows(h);
    expect(inWindow.length).toBeGreaterThan(3);
    const before = h.sim.requests();
    await h.run('incremental', 120_000, 'checkins');
    const valid = truth(h, inWindow).reduce((n, t) => n + t.valid, 0);
    expect(spent(h, before, LIST)).toBe(inWindow.length);
    // nothing was listed before this run: the barcodes its lists returned are polled in the same run, within the budget
    const first = spent(h, before, SCAN);
    expect(first).toBe(Math.min(valid, BUDGET - inWindow.length));
    // only in-window shows were listed, and never with the holder-name fields
    const lists = h.sim.requestLog().filter((r) => /\/shows\/\d+\/barcodes$/.test(r.path));
    expect([...new Set(lists.map((r) => Number(/shows\/(\d+)\//.exec(r.path)?.[1])))].sort((a, b) => a - b)).toEqual(inWindow);
    for (const r of lists) {
      expect(r.body).toEqual({ select: ['barcode', 'admission', 'price', 'seat_name', 'zone_name', 'row', 'place'] });
      expect(JSON.stringify(r)).not.toContain('client_');
    }
    const runs = await runUntilIdle(h);
    const polled = first + runs.reduce((n, r) => n + r.scans, 0);
    expect(polled).toBe(valid); // each valid barcode polled exactly once
    expect(runs.length).toBeGreaterThanOrEqual(Math.ceil((valid - first) / BUDGET));
    expect(await attendance(h)).toEqual(truth(h, inWindow));
    await expectScansPerBarcode(h, inWindow);
  });

  it('after the clock moves (sales, refunds, scans): re-lists, marks refunded barcodes invalid, never re-polls a scanned one; equals the truth', async () => {
    const scannedBefore = truth(h, await windowShows(h)).reduce((n, t) => n + t.checked, 0);
    const polls = async () =>
      (
        await (
          await h.ch.client.query({
            query: 'SELECT show_id, barcode_hash, toString(polled_at) AS at FROM stg_qtickets_api_checkins FINAL WHERE checked_at IS NOT NULL',
            format: 'JSONEachRow',
          })
        ).json<{ show_id: string; barcode_hash: string; at: string }>()
      ).map((r) => `${r.show_id}|${r.barcode_hash}|${r.at}`);
    const scannedPolls = await polls();
    h.sim.advance(51 * HOUR);
    await h.run('reconcile', 120_000, 'events');
    await h.run('incremental', 120_000, 'orders');
    const inWindow = await windowShows(h);
    const expected = truth(h, inWindow);
    expect(expected.reduce((n, t) => n + t.checked, 0)).toBeGreaterThan(scannedBefore);
    const runs = await runUntilIdle(h);
    expect(runs[0]?.lists).toBe(inWindow.length);
    const got = (await attendance(h)).filter((a) => inWindow.includes(a.show_id));
    expect(got).toEqual(expected);
    await expectScansPerBarcode(h, inWindow);
    const after = new Set(await polls());
    expect(scannedPolls.filter((p) => !after.has(p))).toEqual([]);
    // refunded tickets left the lists: their barcodes are marked invalid, not counted
    const rs0 = await h.ch.client.query({ query: 'SELECT count() AS n FROM stg_qtickets_api_barcodes FINAL WHERE is_valid = 0', format: 'JSONEachRow' });
    expect(Number((await rs0.json<{ n: string }>())[0]?.n)).toBeGreaterThan(0);
    // the orders stream's ticket lines carry the same scans once it has caught up (same simulator instant)
    const rs = await h.ch.client.query({
      query: 'SELECT show_id, order_lines_checked_in AS n FROM v_attendance_by_show ORDER BY show_id',
      format: 'JSONEachRow',
    });
    const byOrders = new Map((await rs.json<{ show_id: string; n: string }>()).map((r) => [Number(r.show_id), Number(r.n)]));
    for (const t of expected) expect(byOrders.get(t.show_id), `show ${t.show_id}`).toBe(t.checked);
    // check-ins per 15 minutes add up to the scans
    const buckets = await (
      await h.ch.client.query({ query: 'SELECT show_id, sum(checkins) AS n FROM v_checkins_15m GROUP BY show_id', format: 'JSONEachRow' })
    ).json<{
      show_id: string;
      n: string;
    }>();
    for (const t of expected) expect(Number(buckets.find((b) => Number(b.show_id) === t.show_id)?.n ?? 0)).toBe(t.checked);
  });

  it('a re-queue (reconcile run) lists every current show now and polls what is unscanned, within the budget', async () => {
    const inWindow = await windowShows(h);
    const before = h.sim.requests();
    const runId = await h.run('reconcile', 120_000, 'checkins');
    expect(spent(h, before, LIST)).toBe(inWindow.length);
    const unscanned = truth(h, inWindow).reduce((n, t) => n + t.valid - t.checked, 0);
    expect(spent(h, before, SCAN)).toBe(Math.min(unscanned, BUDGET - inWindow.length));
    expect((await new RunTracker(h.r.redis, h.r.prefix).info(runId))?.finalized).toBe(true);
    expect(await attendance(h).then((a) => a.filter((x) => inWindow.includes(x.show_id)))).toEqual(truth(h, inWindow));
  });

  it('keeps barcodes (entry credentials) and personal data out of ClickHouse, Redis and the logs', async () => {
    const shows = h.sim.truth().checkins.map((c) => c.show_id);
    const barcodes = new Set(shows.flatMap((id) => h.sim.barcodeCheckins(id).map((b) => b.barcode)));
    expect(barcodes.size).toBeGreaterThan(500);
    const pii = new Set(h.sim.piiValues().map((v) => v.toLowerCase()));
    const leaks = (text: string) => text.split(/[^0-9A-Za-zА-Яа-яЁё@.+_-]+/).filter((t) => barcodes.has(t) || pii.has(t.toLowerCase()));
    const tables = await (
      await h.ch.client.query({ query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'`, format: 'JSONEachRow' })
    ).json<{ name: string }>();
    for (const { name } of tables) {
      const dump = await (await h.ch.client.query({ query: `SELECT * FROM ${name}`, format: 'JSONEachRow' })).text();
      expect(leaks(dump), `table ${name}`).toEqual([]);
    }
    const tokens = await (await h.ch.client.query({ query: 'SELECT count() AS n FROM stg_qtickets_api_barcodes', format: 'JSONEachRow' })).json<{
      n: string;
    }>();
    expect(Number(tokens[0]?.n)).toBeGreaterThan(500);
    const jobs = await redisHashes(h);
    expect(/\|i\|sc\d+-[0-9a-f]{32}/.test(jobs), 'scan jobs are in Redis').toBe(true);
    expect(leaks(jobs)).toEqual([]);
    const text = logs.text();
    expect(text.includes('barcode/***'), 'scan paths are logged masked').toBe(true);
    expect(leaks(text)).toEqual([]);
  });
});

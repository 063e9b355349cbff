import { moscowDate, ORDER_TABLES, SHOWS_TABLE, writeJob } from '@qtp/pipeline';
import { createQueue, redeliver } from '@qtp/shared';
import { count } from '@qtp/testing';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardByDay, type Harness, logCollector, redisHashes, startAll, startHarness, truthByDay } from './pipeline-harness.ts';

const DAY = 86_400_000;
const logs = logCollector();

async function expectTruth(h: Harness) {
  expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
  // no duplicates survive FINAL, and no stale version wins: one row per natural key
  expect(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.orders} FINAL`)).toBe(
    await count(h.ch, `SELECT uniqExact(order_id) FROM ${ORDER_TABLES.orders}`),
  );
  expect(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.lines} FINAL`)).toBe(
    await count(h.ch, `SELECT uniqExact(basket_id) FROM ${ORDER_TABLES.lines}`),
  );
  const valid = h.sim.orderIds().length - h.sim.malformedOrderIds().length;
  expect(await count(h.ch, `SELECT uniqExact(order_id) FROM ${ORDER_TABLES.orders}`)).toBe(valid);
}

describe('orders end to end: simulator → scheduler → fetcher → transformer → writer → ClickHouse', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 11, historyDays: 62, ordersPerDay: 85, faults: { error503Rate: 0.1, malformedRate: 0.003 } }, logs.sink);
    await startAll(h);
  });
  afterAll(async () => h?.close());

  it('loads a seeded history (≥ 5,000 orders over ≥ 60 days) to the exact ground truth', async () => {
    expect(h.sim.orderIds().length).toBeGreaterThanOrEqual(5_000);
    const truth = truthByDay(h.sim);
    expect(truth.length).toBeGreaterThanOrEqual(60);
    expect(truth.some((d) => d.refunds_count > 0)).toBe(true);
    await h.run();
    await expectTruth(h);
    const rs = await h.ch.client.query({
      query: `SELECT status, rows_written FROM meta_job_runs FINAL ORDER BY started_at DESC LIMIT 1`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('loads shows from the events stream and gives every ticket line its show day', async () => {
    await h.run('reconcile', 120_000, 'events');
    const shows = await (
      await h.ch.client.query({
        query: `SELECT show_id, toString(show_date_msk) AS d, start_at FROM ${SHOWS_TABLE} FINAL ORDER BY show_id`,
        format: 'JSONEachRow',
      })
    ).json<{ show_id: string; d: string }>();
    const truthShows = h.sim.truth().shows.map((s) => s.show_id);
    expect(shows.map((s) => Number(s.show_id))).toEqual(expect.arrayContaining(truthShows));
    // the show day equals the Moscow date of the show's start as the API gives it
    const apiEvents = await (await fetch(`${h.sim.apiBaseUrl}/events`, { headers: { Authorization: `Bearer ${h.sim.token}` } })).json();
    const firstShow = (apiEvents as { data: Array<{ shows: Array<{ id: number; start_date: string }> }> }).data[0]?.shows[0];
    expect(shows.find((s) => Number(s.show_id) === firstShow?.id)?.d).toBe(moscowDate(firstShow?.start_date ?? ''));
    expect(await count(h.ch, 'SELECT countIf(show_date_msk IS NULL) FROM v_sales_latest')).toBe(0);
    expect(await count(h.ch, 'SELECT count() FROM v_sales_latest')).toBe(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.lines} FINAL`));
    const byShowDay = await count(h.ch, 'SELECT sum(tickets_sold) FROM v_sales_by_show_day');
    expect(byShowDay).toBe(truthByDay(h.sim).reduce((n, d) => n + d.tickets_sold, 0));
  });

  it('quarantines malformed orders with their reason while the rest loads', async () => {
    const bad = h.sim.malformedOrderIds();
    expect(bad.length).toBeGreaterThan(0);
    const rs = await h.ch.client.query({ query: `SELECT record_key, reason FROM quarantine FINAL WHERE stream = 'orders'`, format: 'JSONEachRow' });
    const rows = await rs.json<{ record_key: string; reason: string }>();
    expect(rows.length).toBe(bad.length);
    for (const r of rows) expect(r.reason.length).toBeGreaterThan(3);
  });

  it('follows the clock: new orders, pending orders paid, old orders refunded', async () => {
    const before = truthByDay(h.sim);
    h.sim.advance(2 * DAY);
    const after = truthByDay(h.sim);
    expect(after).not.toEqual(before);
    await h.run();
    await expectTruth(h);
  });

  it('loses nothing after a 3-day pause (watermark, not a fixed window)', async () => {
    h.sim.advance(3 * DAY + 7 * 3_600_000);
    await h.run();
    await expectTruth(h);
  });

  it('absorbs the same page delivered twice', async () => {
    const writeQueue = createQueue(writeJob, h.r.redis, h.r.prefix);
    // Pages wait for a stopped writer; a few of them are delivered a second time (with a copy of their rows).
    await h.stop('writer');
    const running = h.run('reconcile');
    let waiting: Job[] = [];
    for (const until = Date.now() + 30_000; waiting.length < 5 && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      waiting = await writeQueue.getWaiting(0, 4);
    }
    expect(waiting.length).toBeGreaterThan(0);
    for (const job of waiting) await redeliver(writeQueue, job, `${job.id}|again`);
    await h.start('writer');
    await running;
    const deadline = Date.now() + 30_000;
    while ((await writeQueue.getJobCountByTypes('wait', 'active', 'delayed')) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await writeQueue.getJobCountByTypes('failed')).toBe(0);
    await writeQueue.close();
    await expectTruth(h);
    // a reconciliation re-delivers every page again: still the same numbers
    await h.run('reconcile');
    await expectTruth(h);
  });

  it('survives a retried insert (the insert landed, the job failed and ran again)', async () => {
    let failures = 0;
    await h.start('writer', {
      afterInsert: async () => {
        if (failures++ < 2) throw new Error('simulated failure after the insert was confirmed');
      },
    });
    h.sim.advance(DAY);
    await h.run();
    expect(failures).toBeGreaterThan(2);
    await expectTruth(h);
  });

  it('survives a writer killed between the insert and the acknowledgement', async () => {
    let signalKilled!: () => void;
    const killed = new Promise<void>((r) => {
      signalKilled = r;
    });
    const dying = await h.start('writer', {
      afterInsert: async () => {
        signalKilled();
        await new Promise(() => {}); // never acknowledges: the process is "dead" from here on
      },
      lockDurationMs: 1_500,
      stalledIntervalMs: 500,
    });
    h.sim.advance(DAY);
    const run = h.run('incremental', 180_000);
    await killed;
    // kill: stop renewing locks and taking work, without waiting for the hung jobs
    h.stages.delete('writer');
    await Promise.all(dying.workers.map((w) => w.close(true)));
    await h.start('writer', { lockDurationMs: 1_500, stalledIntervalMs: 500 });
    await run;
    await expectTruth(h);
  });

  it('keeps personal data out of ClickHouse, Redis job data and the logs', async () => {
    const pii = h.sim.piiValues();
    expect(pii.length).toBeGreaterThan(100);
    const planted = new Set(pii.map((v) => v.toLowerCase()));
    const found = (text: string) => {
      const hits: string[] = [];
      for (const token of text.toLowerCase().split(/[\s"',:{}[\]\\]+/)) if (planted.has(token)) hits.push(token);
      return hits;
    };
    // ClickHouse: every table of the database, all columns
    const rs = await h.ch.client.query({
      query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'`,
      format: 'JSONEachRow',
    });
    for (const { name } of await rs.json<{ name: string }>()) {
      const dump = await (await h.ch.client.query({ query: `SELECT * FROM ${name}`, format: 'JSONEachRow' })).text();
      expect(found(dump), `PII in table ${name}`).toEqual([]);
      expect(dump).not.toMatch(/@example\.|\+7900/);
    }
    // Redis: every job hash under our prefix, and the records of a run's pages while they wait for the transformer
    // (completed jobs keep no records: their claims are dropped)
    await h.stop('transformer');
    const running = h.run('reconcile');
    let jobData = '';
    for (const until = Date.now() + 30_000; !jobData.includes('client_hash') && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      jobData = await redisHashes(h);
    }
    await h.start('transformer');
    await running;
    expect(jobData).toContain('client_hash');
    expect(jobData.length).toBeGreaterThan(1_000);
    expect(found(jobData)).toEqual([]);
    expect(jobData).not.toMatch(/@example\.|\+7900/);
    // Logs
    const text = logs.text();
    expect(text.length).toBeGreaterThan(1_000);
    expect(found(text)).toEqual([]);
    expect(text).not.toContain(h.sim.token);
  });

  it('DRY_RUN runs every stage but writes nothing and does not move the state', async () => {
    const rowsBefore = await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.lines}`);
    const stateBefore = await (await h.ch.client.query({ query: 'SELECT * FROM etl_state FINAL', format: 'JSONEachRow' })).json();
    h.env.DRY_RUN = 'true';
    await h.start('writer');
    h.sim.advance(DAY);
    await h.run();
    expect(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.lines}`)).toBe(rowsBefore);
    expect(await (await h.ch.client.query({ query: 'SELECT * FROM etl_state FINAL', format: 'JSONEachRow' })).json()).toEqual(stateBefore);
    expect(logs.text()).toContain('dry run: would insert');
    h.env.DRY_RUN = 'false';
    await h.start('writer');
    await h.run();
    await expectTruth(h);
  });
});

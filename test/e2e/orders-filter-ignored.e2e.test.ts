import { ORDER_TABLES, RunTracker } from '@qtp/pipeline';
import { count } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardByDay, type Harness, logCollector, startAll, startHarness, truthByDay } from './pipeline-harness.ts';

const DAY = 86_400_000;
const logs = logCollector();

describe('orders when the server ignores where filters (the other reading of contract §3.2)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { seed: 5, historyDays: 20, ordersPerDay: 60, faults: { ignoreWhere: true, rateLimit: { every: 40, burst: 3, retryAfterSeconds: null } } },
      logs.sink,
    );
    // this part is about the tail walk alone: the rolling re-walk (below) is switched off
    h.env.ORDERS_REWALK_MAX_PAGES = '0';
    await startAll(h);
    await h.run();
  });
  afterAll(async () => h?.close());

  it('detects the ignored filter and still finds every new order through the id-ascending tail walk', async () => {
    expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
    h.sim.advance(DAY + 5 * 3_600_000);
    const runId = await h.run();
    expect(logs.text()).toContain('server ignored the filter');
    const valid = h.sim.orderIds().length - h.sim.malformedOrderIds().length;
    expect(await count(h.ch, `SELECT uniqExact(order_id) FROM ${ORDER_TABLES.orders}`)).toBe(valid);
    // a tail walk (from the page of the first order in the 48 h look-back), not a walk of the whole list
    const run = await new RunTracker(h.r.redis, h.r.prefix).info(runId);
    const lastPage = Math.ceil(h.sim.orderIds().length / 50);
    expect(run?.done).toBeGreaterThanOrEqual(3);
    expect(run?.done).toBeLessThan(lastPage / 2);
  });

  it('reaches the exact truth after the nightly reconciliation walk (late refunds of old orders)', async () => {
    h.sim.advance(2 * DAY);
    await h.run();
    await h.run('reconcile');
    expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
    expect(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.lines} FINAL`)).toBe(
      await count(h.ch, `SELECT uniqExact(basket_id) FROM ${ORDER_TABLES.lines}`),
    );
  });
});

describe('rolling re-walk: late changes to old orders land without the nightly walk (filters ignored)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 7, historyDays: 30, ordersPerDay: 80, faults: { ignoreWhere: true } }, logs.sink);
    // a period so short that every run takes its full budget: 15 pages, under a third of the ~50-page list
    h.env.ORDERS_REWALK_PERIOD = '1ms';
    h.env.ORDERS_REWALK_MAX_PAGES = '15';
    await startAll(h);
    await h.run();
  });
  afterAll(async () => h?.close());

  it('re-reads the whole history in slices within the budget, and the days become exact', async () => {
    h.sim.advance(2 * DAY);
    const lastPage = Math.ceil(h.sim.orderIds().length / 50);
    expect(lastPage).toBeGreaterThan(40);
    const tracker = new RunTracker(h.r.redis, h.r.prefix);
    const runs: number[] = [];
    for (let i = 0; i < Math.ceil(lastPage / 15) + 1; i++) {
      const info = await tracker.info(await h.run());
      runs.push(info?.done ?? 0);
    }
    expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
    // each run: the look-back tail plus at most 15 re-walk pages, never the whole list
    for (const pages of runs) expect(pages).toBeLessThan(lastPage);
    const state = await (await h.ch.client.query({ query: "SELECT cursor FROM etl_state FINAL WHERE stream = 'orders'", format: 'JSONEachRow' })).json<{
      cursor: string;
    }>();
    expect(JSON.parse(state[0]?.cursor ?? '{}').rewalkPage).toBeGreaterThan(0);
  });
});

import { RunTracker, TABLES } from '@qtp/pipeline';
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
    expect(await count(h.ch, `SELECT uniqExact(order_id) FROM ${TABLES.orders}`)).toBe(valid);
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
    expect(await count(h.ch, `SELECT count() FROM ${TABLES.orderLines} FINAL`)).toBe(
      await count(h.ch, `SELECT uniqExact(basket_id) FROM ${TABLES.orderLines}`),
    );
  });
});

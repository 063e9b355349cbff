import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDER_TABLES, QUEUES, RunTracker } from '@qtp/pipeline';
import { closeRedis, createRedis, QUEUE_STATES } from '@qtp/shared';
import { count, uniqueName } from '@qtp/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SentinelSet, startSentinelSet } from '../support/sentinel.ts';
import { dashboardByDay, type Harness, startAll, startHarness, truthByDay } from './pipeline-harness.ts';

/**
 * Redis behind Sentinel (REDIS_SENTINELS): real redis-server master and replica and a redis-sentinel. The master is
 * killed (SIGKILL) while a load runs; the Sentinel promotes the replica; the stages' connections follow it and the
 * same run completes, to the simulator's exact ground truth.
 */
describe('Redis Sentinel failover mid-load', () => {
  let dir: string;
  let set: SentinelSet;
  let h: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qtp-sentinel-'));
    set = await startSentinelSet(dir);
    const settings = { REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.name };
    const redis = createRedis(settings, uniqueName('e2e-sentinel'), { errorLevel: 'debug' });
    const prefix = uniqueName('sentinel');
    h = await startHarness({ seed: 17, historyDays: 30, ordersPerDay: 100 }, undefined, {
      redis: {
        url: `redis://127.0.0.1:${set.master.port}`,
        prefix,
        redis,
        connectionOptions: { host: '127.0.0.1', port: set.master.port, maxRetriesPerRequest: null },
        close: () => closeRedis(redis),
      },
    });
    await startAll(h);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await set?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the master is killed during a run: the replica is promoted and the run completes exactly', async () => {
    expect(await set.masterPort()).toBe(set.master.port);
    const run = h.run('incremental', 70_000);
    // Kill the master once the run has pages done and pages to go.
    const deadline = Date.now() + 20_000;
    let killedAt: { done: number; expected: number } | undefined;
    let seen = { done: 0, expected: 0 };
    const tracker = new RunTracker(h.r.redis, h.r.prefix);
    while (!killedAt && Date.now() < deadline) {
      const runId = await tracker.lockHolder('orders');
      const info = runId ? await tracker.info(runId) : null;
      const done = info?.done ?? 0;
      const expected = info?.expected ?? 0;
      seen = { done, expected };
      if (expected > 0 && done >= 2 && done < expected) {
        process.kill(set.master.pid, 'SIGKILL');
        killedAt = { done, expected };
      } else await new Promise((r) => setTimeout(r, 20));
    }
    expect(killedAt, `the run was never caught between its first and last pages (last seen ${JSON.stringify(seen)})`).toBeDefined();
    await run.catch(async (err: Error) => {
      // Where the run stands, for the failure message: each queue's jobs by state and its workers.
      const queues = await Promise.all(
        Object.values(QUEUES).map(async (name) => {
          const q = new Queue(name, { connection: h.r.redis, prefix: h.r.prefix });
          try {
            return { name, counts: await q.getJobCounts(...QUEUE_STATES), workers: await q.getWorkersCount() };
          } finally {
            await q.close();
          }
        }),
      );
      throw new Error(`${err.message}\nkilled at ${JSON.stringify(killedAt)}; queues: ${JSON.stringify(queues)}`);
    });
    expect(await set.masterPort()).toBe(set.replica.port);
    expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
    const valid = h.sim.orderIds().length - h.sim.malformedOrderIds().length;
    expect(await count(h.ch, `SELECT uniqExact(order_id) FROM ${ORDER_TABLES.orders}`)).toBe(valid);
    expect(await count(h.ch, `SELECT count() FROM ${ORDER_TABLES.orders} FINAL`)).toBe(valid);
  }, 100_000);
});

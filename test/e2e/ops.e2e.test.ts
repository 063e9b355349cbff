import { fetcherEnv, planRunJob, QUEUES, type Stage, startFetcher, startWriter, writerEnv } from '@qtp/pipeline';
import { createQTicketsClient, verifyFilter } from '@qtp/qtickets-client';
import { clickhouseCheck, enqueue, METRIC_NAMES, type OpsServer, PipelineMetrics, parseConfig, redisCheck, startOpsServer } from '@qtp/shared';
import { stalenessEnv, streamFreshness, watchDownstreamWorkers } from '@qtp/status';
import { count, sample } from '@qtp/testing';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Harness, logCollector, startHarness } from './pipeline-harness.ts';

const logs = logCollector();

describe('ops on a running pipeline', () => {
  let h: Harness;
  let metrics: PipelineMetrics;
  let server: OpsServer;
  beforeAll(async () => {
    h = await startHarness({ seed: 11, historyDays: 3, ordersPerDay: 80 }, logs.sink);
    metrics = new PipelineMetrics({ service: 'e2e', log: h.log, defaultMetrics: false });
    await h.start('scheduler');
    await h.start('transformer');
    // The fetcher and writer as the apps wire them: the client's and the batch writer's observer hooks feed metrics.
    const api = createQTicketsClient({
      baseUrl: h.sim.apiBaseUrl,
      token: h.sim.token,
      logger: h.log,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
      onRequest: metrics.apiRequest,
    });
    h.stages.set('fetcher', startFetcher(parseConfig(fetcherEnv, h.env), { redis: h.r.redis, log: h.log, api, verifyFilter }));
    h.stages.set('writer', startWriter(parseConfig(writerEnv, h.env), { redis: h.r.redis, clickhouse: h.ch.client, log: h.log, onInsert: metrics.insert }));
    for (const s of h.stages.values()) for (const w of s.workers) metrics.observeWorker(w);
    metrics.observeQueues(Object.values(QUEUES), h.r.redis, h.r.prefix);
    metrics.observeStreams(streamFreshness(h.ch.client, parseConfig(z.object(stalenessEnv()), {}) as Record<string, unknown>));
    server = await startOpsServer({ host: '127.0.0.1', port: 0, log: h.log, metrics, checks: [redisCheck(h.r.redis), clickhouseCheck(h.ch.client)] });
  });
  afterAll(async () => {
    await server?.close();
    await metrics?.close();
    await h?.close();
  });

  it('/metrics after a run: jobs per queue, API requests by endpoint and status, rows and insert latency per table, depth, workers, lag', async () => {
    await h.run('incremental', 120_000, 'orders');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const queue of Object.values(QUEUES)) {
      // the replay queue has jobs only during replays
      if (queue !== QUEUES.replay) expect(sample(text, METRIC_NAMES.jobsCompleted, { queue }), queue).toBeGreaterThan(0);
      expect(sample(text, METRIC_NAMES.queueWorkers, { queue }), queue).toBe(1);
      expect(sample(text, METRIC_NAMES.queueJobs, { queue, state: 'waiting' }), queue).toBe(0);
    }
    expect(sample(text, METRIC_NAMES.apiRequests, { endpoint: '/orders', status: '200' })).toBeGreaterThan(1);
    expect(sample(text, `${METRIC_NAMES.apiRequestDuration}_count`, { endpoint: '/orders' })).toBeGreaterThan(1);
    const orders = await count(h.ch, 'SELECT count() FROM stg_qtickets_api_orders_raw');
    expect(orders).toBeGreaterThan(100);
    expect(sample(text, METRIC_NAMES.rowsWritten, { table: 'stg_qtickets_api_orders_raw' })).toBe(orders);
    expect(sample(text, METRIC_NAMES.rowsWritten, { table: 'stg_qtickets_api_order_lines' })).toBeGreaterThan(0);
    expect(sample(text, `${METRIC_NAMES.insertDuration}_count`, { table: 'stg_qtickets_api_orders_raw' })).toBeGreaterThan(0);
    const lag = sample(text, METRIC_NAMES.streamLag, { stream: 'orders' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(120);
    expect(sample(text, METRIC_NAMES.streamLag, { stream: 'events' })).toBeUndefined();
    expect(sample(text, METRIC_NAMES.streamStaleAfter, { stream: 'orders' })).toBe(900);
  });

  it('the scheduler warns when a plan runs and no fetcher is alive', async () => {
    const scheduler = h.stages.get('scheduler') as Stage & { planQueue: Queue };
    const [planWorker] = scheduler.workers;
    if (!planWorker) throw new Error('no plan worker');
    const watch = watchDownstreamWorkers({ planWorker, redis: h.r.redis, prefix: h.r.prefix, log: h.log });
    try {
      expect(await watch.check()).toEqual([]);
      await h.stop('fetcher');
      expect(await watch.check()).toEqual(['fetch']);
      await enqueue(scheduler.planQueue, planRunJob, { stream: 'events', mode: 'reconcile', requestId: 'no-fetcher' });
      for (let i = 0; i < 100 && !logs.text().includes('no live worker on the fetch queue'); i++) await new Promise((r) => setTimeout(r, 100));
      const line = logs
        .text()
        .split('\n')
        .find((l) => l.includes('no live worker on the fetch queue'));
      expect(line).toBeDefined();
      expect(JSON.parse(line as string)).toMatchObject({ level: 'warn', queues: ['fetch'], msg: expect.stringContaining('is the fetcher running?') });
    } finally {
      await watch.close();
    }
  });
});

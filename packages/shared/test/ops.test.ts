import { freePort } from '@qtp/embedded';
import { sample, type TestClickHouse, type TestRedis, testClickHouse, testRedis } from '@qtp/testing';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  clickhouseCheck,
  closeRedis,
  createClickHouse,
  createLogger,
  createRedis,
  METRIC_NAMES,
  opsEnv,
  PipelineMetrics,
  parseConfig,
  QUEUE_STATES,
  redisCheck,
  startOpsServer,
} from '../src/index.ts';

const log = createLogger({ name: 'ops-test', level: 'silent' });

describe('settings', () => {
  it('METRICS_HOST defaults to loopback, METRICS_PORT to the per-app port; 0 is allowed, 65536 is not', () => {
    const schema = z.object(opsEnv(9104));
    expect(parseConfig(schema, {})).toEqual({ METRICS_HOST: '127.0.0.1', METRICS_PORT: 9104 });
    expect(parseConfig(schema, { METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' })).toEqual({ METRICS_HOST: '0.0.0.0', METRICS_PORT: 0 });
    expect(() => parseConfig(schema, { METRICS_PORT: '65536' })).toThrow(/METRICS_PORT: must be ≤ 65535/);
  });
});

describe('metrics registry', () => {
  it('counts API requests by endpoint and status, rows and insert latency by table, and exposes stream lag', async () => {
    const m = new PipelineMetrics({ service: 'unit', log, defaultMetrics: false });
    m.apiRequest({ endpoint: '/orders', status: 200, durationMs: 120 });
    m.apiRequest({ endpoint: '/orders', status: 200, durationMs: 80 });
    m.apiRequest({ endpoint: '/orders/{id}', status: 'network', durationMs: 5 });
    m.insert({ table: 'stg_qtickets_api_orders_raw', rows: 500, durationMs: 40, ok: true });
    m.insert({ table: 'stg_qtickets_api_orders_raw', rows: 20, durationMs: 10, ok: true });
    m.insert({ table: 'quarantine', rows: 3, durationMs: 10, ok: false });
    const lastSuccess = new Date(Date.now() - 90_000).toISOString();
    m.observeStreams(async () => [
      { stream: 'orders', lastSuccessAt: lastSuccess, staleAfterMs: 900_000 },
      { stream: 'events', lastSuccessAt: null, staleAfterMs: 5_400_000, firstDueAt: '2026-10-05T10:30:00.000Z' },
      { stream: 'clients', lastSuccessAt: null, staleAfterMs: 5_400_000, firstDueAt: null },
    ]);
    const text = await m.metrics();
    expect(sample(text, METRIC_NAMES.apiRequests, { endpoint: '/orders', status: '200', service: 'unit' })).toBe(2);
    expect(sample(text, METRIC_NAMES.apiRequests, { endpoint: '/orders/{id}', status: 'network' })).toBe(1);
    expect(sample(text, `${METRIC_NAMES.apiRequestDuration}_count`, { endpoint: '/orders' })).toBe(2);
    expect(sample(text, METRIC_NAMES.rowsWritten, { table: 'stg_qtickets_api_orders_raw' })).toBe(520);
    expect(sample(text, `${METRIC_NAMES.insertDuration}_count`, { table: 'stg_qtickets_api_orders_raw' })).toBe(2);
    expect(sample(text, METRIC_NAMES.insertFailures, { table: 'quarantine' })).toBe(1);
    expect(sample(text, METRIC_NAMES.rowsWritten, { table: 'quarantine' })).toBeUndefined();
    const lag = sample(text, METRIC_NAMES.streamLag, { stream: 'orders' }) ?? 0;
    expect(lag).toBeGreaterThanOrEqual(89);
    expect(lag).toBeLessThan(120);
    expect(sample(text, METRIC_NAMES.streamLag, { stream: 'events' })).toBeUndefined();
    expect(sample(text, METRIC_NAMES.streamLastSuccess, { stream: 'events' })).toBe(0);
    expect(sample(text, METRIC_NAMES.streamLastSuccess, { stream: 'orders' })).toBeCloseTo(Date.parse(lastSuccess) / 1000, 0);
    expect(sample(text, METRIC_NAMES.streamStaleAfter, { stream: 'orders' })).toBe(900);
    // A stream that never succeeded has its series from the start (the never-succeeded alert needs them).
    expect(sample(text, METRIC_NAMES.streamFirstDue, { stream: 'events' })).toBe(Date.parse('2026-10-05T10:30:00Z') / 1000);
    expect(sample(text, METRIC_NAMES.streamStaleAfter, { stream: 'events' })).toBe(5_400);
    expect(sample(text, METRIC_NAMES.streamFirstDue, { stream: 'clients' })).toBeUndefined();
    await m.close();
  });

  it('leaves gauges out, within the timeout, when their source does not answer', async () => {
    const port = await freePort();
    const dead = createRedis(`redis://127.0.0.1:${port}`, 'dead', { log });
    const m = new PipelineMetrics({ service: 'unit', log, defaultMetrics: false, collectTimeoutMs: 300 });
    m.observeQueues(['fetch'], dead, 'x');
    m.observeStreams(() => new Promise(() => {}));
    const started = Date.now();
    const text = await m.metrics();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sample(text, METRIC_NAMES.queueJobs, { queue: 'fetch' })).toBeUndefined();
    expect(sample(text, METRIC_NAMES.streamLag)).toBeUndefined();
    expect(text).toContain(`# TYPE ${METRIC_NAMES.queueJobs} gauge`);
    await m.close();
    await closeRedis(dead);
  });
});

describe('ops server against a real Redis and ClickHouse', () => {
  let r: TestRedis;
  let ch: TestClickHouse;
  beforeAll(async () => {
    r = testRedis('ops');
    ch = await testClickHouse('ops');
  });
  afterAll(async () => {
    await ch?.close();
    await r?.close();
  });

  it('QUEUE_STATES is every state BullMQ counts (a new state in a BullMQ upgrade fails here)', async () => {
    const q = new Queue('ops-states', { connection: r.redis, prefix: r.prefix });
    try {
      expect(Object.keys(await q.getJobCounts()).sort()).toEqual([...QUEUE_STATES].sort());
    } finally {
      await q.close();
    }
  });

  it('answers /healthz, /readyz and /metrics (job counters after a job ran, queue depth, live workers)', async () => {
    const metrics = new PipelineMetrics({ service: 'it', log });
    metrics.observeQueues(['ops-work', 'ops-idle'], r.redis, r.prefix);
    const queue = new Queue('ops-work', { connection: r.redis, prefix: r.prefix });
    const worker = new Worker('ops-work', async (job) => (job.data.fail ? Promise.reject(new Error('boom')) : 'done'), {
      connection: r.connectionOptions,
      prefix: r.prefix,
    });
    metrics.observeWorker(worker);
    const server = await startOpsServer({ host: '127.0.0.1', port: 0, log, metrics, checks: [redisCheck(r.redis), clickhouseCheck(ch.client)] });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await queue.add('ok', { fail: false }, { jobId: 'ok1' });
      await queue.add('bad', { fail: true }, { jobId: 'bad1' });
      await queue.add('later', {}, { jobId: 'later1', delay: 60_000 });
      for (let i = 0; i < 100 && ((await queue.getJobCounts('failed')).failed ?? 0) < 1; i++) await new Promise((res) => setTimeout(res, 50));

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', clickhouse: 'ok' } });

      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(sample(text, METRIC_NAMES.jobsCompleted, { queue: 'ops-work', service: 'it' })).toBe(1);
      expect(sample(text, METRIC_NAMES.jobsFailed, { queue: 'ops-work' })).toBe(1);
      expect(sample(text, `${METRIC_NAMES.jobDuration}_count`, { queue: 'ops-work' })).toBe(1);
      expect(sample(text, METRIC_NAMES.queueJobs, { queue: 'ops-work', state: 'delayed' })).toBe(1);
      expect(sample(text, METRIC_NAMES.queueJobs, { queue: 'ops-work', state: 'failed' })).toBe(1);
      expect(sample(text, METRIC_NAMES.queueJobs, { queue: 'ops-idle', state: 'waiting' })).toBe(0);
      expect(sample(text, METRIC_NAMES.queueWorkers, { queue: 'ops-work' })).toBe(1);
      expect(sample(text, METRIC_NAMES.queueWorkers, { queue: 'ops-idle' })).toBe(0);
      expect(text).toMatch(/^process_cpu_user_seconds_total\{service="it"\} /m);
      // What `promtool check metrics` flags (test/monitoring.test.ts runs it too): a non-counter named `_total`.
      const typed = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));
      expect(typed.filter((m) => m.type !== 'counter' && m.name?.endsWith('_total'))).toEqual([]);
      expect(typed.map((m) => m.name)).toContain('nodejs_active_handles');

      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      server.drain();
      const draining = await fetch(`${server.url}/readyz`);
      expect(draining.status).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await worker.close();
      await queue.close();
      await metrics.close();
      await server.close();
    }
  });

  it('fails readiness, fast and naming the dependency, when Redis or ClickHouse is unreachable', async () => {
    const [redisPort, chPort] = [await freePort(), await freePort()];
    const deadRedis = createRedis(`redis://127.0.0.1:${redisPort}`, 'dead', { log });
    const deadCh = createClickHouse({ ...ch.settings, CLICKHOUSE_URL: `http://127.0.0.1:${chPort}` });
    const server = await startOpsServer({ host: '127.0.0.1', port: 0, log, checks: [redisCheck(deadRedis), clickhouseCheck(ch.client)] });
    const server2 = await startOpsServer({ host: '127.0.0.1', port: 0, log, checks: [redisCheck(r.redis), clickhouseCheck(deadCh)] });
    try {
      const started = Date.now();
      const res = await fetch(`${server.url}/readyz`);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('not ready');
      expect(body.checks.clickhouse).toBe('ok');
      expect(body.checks.redis).toMatch(/connection (connecting|reconnecting|close)/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      const res2 = await fetch(`${server2.url}/readyz`);
      expect(res2.status).toBe(503);
      const body2 = (await res2.json()) as { checks: Record<string, string> };
      expect(body2.checks.redis).toBe('ok');
      expect(body2.checks.clickhouse).toMatch(/ECONNREFUSED/);
    } finally {
      await server.close();
      await server2.close();
      await closeRedis(deadRedis);
      await deadCh.close();
    }
  });

  it('refuses to start on a port in use, naming the settings', async () => {
    const first = await startOpsServer({ host: '127.0.0.1', port: 0, log, checks: [] });
    try {
      await expect(startOpsServer({ host: '127.0.0.1', port: first.port, log, checks: [] })).rejects.toThrow(/METRICS_HOST \/ METRICS_PORT\): EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

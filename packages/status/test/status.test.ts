import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { QUEUES, STREAMS, StateRepository } from '@qtp/pipeline';
import { parseConfig } from '@qtp/shared';
import { type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectStatus, cronMaxGapMs, formatCheck, formatDuration, formatStatus, type StatusReport, staleAfter, stalenessEnv } from '../src/index.ts';

const CLI = resolve(import.meta.dirname, '../src/status.cli.ts');
const settings = (env: Record<string, string> = {}) => parseConfig(z.object(stalenessEnv()), env) as Record<string, unknown>;

describe('staleness thresholds', () => {
  it('come from the schedule: 3 intervals, at least 15 minutes', () => {
    expect(cronMaxGapMs('*/5 * * * *', 'Europe/Moscow')).toBe(300_000);
    expect(cronMaxGapMs('30 3 * * *', 'Europe/Moscow')).toBe(86_400_000);
    expect(cronMaxGapMs('0 9-18 * * 1-5', 'UTC', new Date('2026-10-05T00:00:00Z'))).toBe((24 + 24 + 15) * 3_600_000);
    const cfg = settings();
    expect(staleAfter('orders', cfg)).toEqual({ ms: 15 * 60_000, source: '3 × SCHEDULE_ORDERS' });
    expect(staleAfter('events', cfg)).toEqual({ ms: 90 * 60_000, source: '3 × SCHEDULE_EVENTS' });
    expect(staleAfter('orders', settings({ SCHEDULE_ORDERS: '0 * * * *' })).ms).toBe(3 * 3_600_000);
  });

  it('or from STALE_AFTER_<STREAM>; a stream without a schedule setting gets the default', () => {
    expect(staleAfter('orders', settings({ STALE_AFTER_ORDERS: '20m' }))).toEqual({ ms: 20 * 60_000, source: 'STALE_AFTER_ORDERS' });
    expect(staleAfter('webhooks', settings())).toEqual({ ms: 2 * 3_600_000, source: 'default' });
    expect(() => settings({ STALE_AFTER_EVENTS: 'soon' })).toThrow(/STALE_AFTER_EVENTS: must be a duration/);
  });

  it('cover every stream of STREAMS', () => {
    for (const s of STREAMS) expect(Object.keys(stalenessEnv())).toContain(`STALE_AFTER_${s.toUpperCase()}`);
  });
});

describe('status formatting', () => {
  const report: StatusReport = {
    checkedAt: '2026-10-05T10:00:00.000Z',
    streams: [
      {
        stream: 'orders',
        highWaterId: 12345,
        watermark: '2026-10-05T09:55:00.000Z',
        lastSuccessAt: '2026-10-05T09:56:00.000Z',
        lastRunId: 'orders-inc-1',
        lagSeconds: 240,
        staleAfterSeconds: 900,
        staleAfterSource: '3 × SCHEDULE_ORDERS',
        stale: false,
        running: [{ runId: 'orders-inc-2', mode: 'incremental', startedAt: '2026-10-05T10:00:00.000Z', pagesDone: 3, pagesPlanned: 7 }],
      },
      {
        stream: 'events',
        highWaterId: 0,
        watermark: null,
        lastSuccessAt: '2026-10-05T05:00:00.000Z',
        lastRunId: 'events-rec-1',
        lagSeconds: 18_000,
        staleAfterSeconds: 5_400,
        staleAfterSource: '3 × SCHEDULE_EVENTS',
        stale: true,
        running: [],
      },
    ],
    queues: [
      { queue: 'plan', waiting: 0, active: 0, delayed: 3, failed: 0, workers: 1 },
      { queue: 'fetch', waiting: 12, active: 0, delayed: 0, failed: 2, workers: 0 },
    ],
    problems: ['stream events is stale: last success 5h 0m ago, more than 1h 30m (3 × SCHEDULE_EVENTS)', 'queue fetch has no live worker (12 jobs waiting)'],
  };

  it('durations read like 45s, 4m 0s, 5h 0m, 2d 3h', () => {
    expect([45, 240, 18_000, 2 * 86_400 + 3 * 3_600].map(formatDuration)).toEqual(['45s', '4m 0s', '5h 0m', '2d 3h']);
  });

  it('prints streams, queues and problems as aligned tables', () => {
    const text = formatStatus(report);
    expect(text).toContain('status at 2026-10-05T10:00:00Z');
    expect(text).toMatch(/^stream\s+watermark\s+high-water id\s+last success\s+lag\s+stale after\s+state$/m);
    expect(text).toMatch(/^orders\s+2026-10-05T09:55:00Z\s+12345\s+2026-10-05T09:56:00Z\s+4m 0s\s+15m 0s\s+ok, running orders-inc-2 \(3\/7 pages\)$/m);
    expect(text).toMatch(/^events\s+-\s+0\s+2026-10-05T05:00:00Z\s+5h 0m\s+1h 30m\s+STALE$/m);
    expect(text).toMatch(/^fetch\s+12\s+0\s+0\s+2\s+0 \(none!\)$/m);
    expect(text).toContain('problems:\n  - stream events is stale');
  });

  it('--check: one line per problem, or one ok line', () => {
    expect(formatCheck(report)).toBe(
      'problem: stream events is stale: last success 5h 0m ago, more than 1h 30m (3 × SCHEDULE_EVENTS)\nproblem: queue fetch has no live worker (12 jobs waiting)\n',
    );
    expect(formatCheck({ ...report, problems: [] })).toBe('ok: 2 streams fresh, 2 queues with live workers\n');
  });
});

describe('status against a real Redis and ClickHouse', () => {
  let r: TestRedis;
  let ch: TestClickHouse;
  let workers: Map<string, Worker>;
  const state = () => new StateRepository(ch.client);
  const succeededAgo = async (stream: string, ms: number) =>
    state().put({
      stream,
      highWaterId: 100,
      pagingTotal: 100,
      watermark: new Date(Date.now() - ms - 60_000).toISOString(),
      cursor: '',
      lastRunId: `${stream}-run`,
      lastSuccessAt: new Date(Date.now() - ms).toISOString(),
    });
  const startWorker = (name: string) => {
    workers.set(name, new Worker(name, async () => 'ok', { connection: r.connectionOptions, prefix: r.prefix }));
  };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH,
        QTP_ENV_FILE: '/dev/null',
        QTP_ENV: 'dev',
        LOG_FORMAT: 'json',
        REDIS_URL: r.url,
        QUEUE_PREFIX: r.prefix,
        CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: ch.database,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

  beforeAll(async () => {
    r = testRedis('status');
    ch = await testWarehouse('status');
    workers = new Map();
    for (const q of Object.values(QUEUES)) startWorker(q);
    for (const s of STREAMS) await succeededAgo(s, 60_000);
    // Worker connections register their names asynchronously.
    for (let i = 0; i < 100; i++) {
      const report = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings() });
      if (report.queues.every((q) => q.workers > 0)) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  });
  afterAll(async () => {
    await Promise.all([...workers.values()].map((w) => w.close()));
    await ch?.close();
    await r?.close();
  });

  it('healthy: --check exits 0 with one ok line; the report lists every stream and queue', async () => {
    const report = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings() });
    expect(report.problems).toEqual([]);
    expect(report.streams.map((s) => s.stream)).toEqual([...STREAMS]);
    expect(report.queues.map((q) => q.queue)).toEqual(Object.values(QUEUES));
    expect(report.streams[0]?.lagSeconds).toBeGreaterThanOrEqual(59);

    const res = cli('--check');
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(new RegExp(`^ok: \\d+ streams fresh, ${Object.values(QUEUES).length} queues with live workers\\n$`));
    expect(res.status).toBe(0);

    const json = cli('--json', 'orders');
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.stdout) as StatusReport;
    expect(parsed.streams.map((s) => s.stream)).toEqual(['orders']);
    expect(parsed.streams[0]?.highWaterId).toBe(100);
  });

  it('a queue without a live worker: --check exits 1 naming it', async () => {
    await workers.get(QUEUES.fetch)?.close();
    workers.delete(QUEUES.fetch);
    try {
      const res = cli('--check');
      expect(res.status).toBe(1);
      expect(res.stdout).toBe('problem: queue fetch has no live worker\n');
    } finally {
      startWorker(QUEUES.fetch);
    }
  });

  it('a stale stream, and one that never succeeded: --check exits 1, one line each', async () => {
    await succeededAgo('orders', 2 * 3_600_000);
    try {
      const res = cli('--check', '--timeout', '20s');
      expect(res.status).toBe(1);
      expect(res.stdout).toMatch(/^problem: stream orders is stale: last success 2h 0m ago, more than 15m 0s \(3 × SCHEDULE_ORDERS\)\n$/);
      const report = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings({ STALE_AFTER_ORDERS: '3h' }) });
      expect(report.problems).toEqual([]);
      const fresh = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings(), streams: ['nostream'] });
      expect(fresh.problems).toEqual(['stream nostream has never completed a run (stale after 2h 0m)']);
    } finally {
      await succeededAgo('orders', 60_000);
    }
  });

  it('shows the runs in flight', async () => {
    await r.redis.set(`${r.prefix}:runlock:events`, 'events-rec-x');
    await r.redis.hset(`${r.prefix}:run:events-rec-x`, { runId: 'events-rec-x', stream: 'events', mode: 'reconcile', startedAt: new Date().toISOString() });
    try {
      const res = cli();
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/^events\s.*ok, running events-rec-x \(0\/0 pages\)$/m);
    } finally {
      await r.redis.del(`${r.prefix}:runlock:events`);
    }
  });
});

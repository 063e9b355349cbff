import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { QUEUES, ScheduledSince, STREAMS, StateRepository } from '@qtp/pipeline';
import { createLogger, METRIC_NAMES, PipelineMetrics, parseConfig, QUEUE_STATES } from '@qtp/shared';
import { sample, type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  assessFreshness,
  collectStatus,
  cronMaxGapMs,
  firstDueAt,
  formatCheck,
  formatDuration,
  formatStatus,
  type StatusReport,
  staleAfter,
  stalenessEnv,
  streamFreshness,
} from '../src/index.ts';

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

describe('freshness before the first success counts from the first due run', () => {
  const now = new Date('2026-10-05T10:00:00Z');
  const at = (iso: string) => new Date(iso);
  it.each([
    ['a recent success', { lastSuccessAt: '2026-10-05T09:50:00Z', firstDueAt: null }, 'ok'],
    ['an old success', { lastSuccessAt: '2026-10-05T09:00:00Z', firstDueAt: null }, 'stale'],
    ['an old success, first due long ago', { lastSuccessAt: '2026-10-05T09:00:00Z', firstDueAt: at('2026-10-01T00:00:00Z') }, 'stale'],
    ['no success, first due ahead', { lastSuccessAt: null, firstDueAt: at('2026-10-05T11:00:00Z') }, 'pending'],
    ['no success, first due within the threshold', { lastSuccessAt: null, firstDueAt: at('2026-10-05T09:50:00Z') }, 'pending'],
    ['no success, first due exactly a threshold ago', { lastSuccessAt: null, firstDueAt: at('2026-10-05T09:45:00Z') }, 'pending'],
    ['no success, first due more than a threshold ago', { lastSuccessAt: null, firstDueAt: at('2026-10-05T09:44:59Z') }, 'never'],
    ['no success, never scheduled', { lastSuccessAt: null, firstDueAt: null }, 'unscheduled'],
  ] as const)('%s: %j -> %s', (_name, o, state) => {
    expect(assessFreshness({ ...o, staleAfterMs: 15 * 60_000, now }).state).toBe(state);
  });

  it('the first due run is the first fire of the schedule at or after the scheduler first registered the stream', () => {
    const cfg = settings();
    // discounts: '10 * * * *' (hourly at :10); orders: every 5 minutes; clients: daily.
    expect(firstDueAt('discounts', cfg, at('2026-10-05T10:11:00Z')).toISOString()).toBe('2026-10-05T11:10:00.000Z');
    expect(firstDueAt('discounts', cfg, at('2026-10-05T10:10:00Z')).toISOString()).toBe('2026-10-05T10:10:00.000Z');
    expect(firstDueAt('orders', cfg, at('2026-10-05T10:01:00Z')).toISOString()).toBe('2026-10-05T10:05:00.000Z');
    expect(firstDueAt('nostream', cfg, at('2026-10-05T10:01:00Z')).toISOString()).toBe('2026-10-05T10:01:00.000Z');
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
        state: 'ok',
        stale: false,
        firstDueAt: '2026-10-01T00:00:00.000Z',
        off: null,
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
        state: 'stale',
        stale: true,
        firstDueAt: '2026-10-01T00:00:00.000Z',
        off: null,
        running: [],
      },
      {
        stream: 'clients',
        highWaterId: null,
        watermark: null,
        lastSuccessAt: null,
        lastRunId: null,
        lagSeconds: null,
        staleAfterSeconds: 259_200,
        staleAfterSource: '3 × SCHEDULE_CLIENTS',
        state: 'pending',
        stale: false,
        firstDueAt: '2026-10-06T00:30:00.000Z',
        off: null,
        running: [],
      },
      {
        stream: 'partner_tickets',
        highWaterId: null,
        watermark: null,
        lastSuccessAt: null,
        lastRunId: null,
        lagSeconds: null,
        staleAfterSeconds: 2_700,
        staleAfterSource: 'off: QTICKETS_PARTNERS_TOKEN is not set',
        state: 'off',
        stale: false,
        firstDueAt: null,
        off: 'QTICKETS_PARTNERS_TOKEN is not set',
        running: [],
      },
    ],
    queues: [
      { queue: 'plan', waiting: 0, prioritized: 0, 'waiting-children': 0, active: 0, delayed: 3, failed: 0, completed: 5, workers: 1 },
      { queue: 'fetch', waiting: 12, prioritized: 188, 'waiting-children': 0, active: 0, delayed: 0, failed: 2, completed: 0, workers: 0 },
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
    expect(text).toMatch(/^clients\s+-\s+-\s+-\s+-\s+3d 0h\s+pending \(first due 2026-10-06T00:30:00Z\)$/m);
    expect(text).toMatch(/^partner_tickets\s+-\s+-\s+-\s+-\s+45m 0s\s+off \(QTICKETS_PARTNERS_TOKEN is not set\)$/m);
    expect(text).toMatch(/^queue\s+waiting\s+prioritized\s+waiting-children\s+active\s+delayed\s+failed\s+completed\s+workers$/m);
    expect(text).toMatch(/^fetch\s+12\s+188\s+0\s+0\s+0\s+2\s+0\s+0 \(none!\)$/m);
    expect(text).toContain('problems:\n  - stream events is stale');
  });

  it('--check: one line per problem, or one ok line', () => {
    expect(formatCheck(report)).toBe(
      'problem: stream events is stale: last success 5h 0m ago, more than 1h 30m (3 × SCHEDULE_EVENTS)\nproblem: queue fetch has no live worker (12 jobs waiting)\n',
    );
    expect(formatCheck({ ...report, problems: [] })).toBe('ok: 1 streams fresh, 1 not yet due, 1 off, 2 queues with live workers\n');
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
  /** Starts it again and waits until Redis lists it (worker connections register their names asynchronously). */
  const restartWorker = async (name: string) => {
    startWorker(name);
    const q = new Queue(name, { connection: r.redis, prefix: r.prefix });
    try {
      for (let i = 0; i < 100 && (await q.getWorkersCount()) === 0; i++) await new Promise((res) => setTimeout(res, 50));
      expect(await q.getWorkersCount(), `worker of ${name} back`).toBeGreaterThan(0);
    } finally {
      await q.close();
    }
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
    // Worker connections register their names asynchronously (slowly on a loaded machine): wait, then say so.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const report = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings() });
      const missing = report.queues.filter((q) => q.workers === 0).map((q) => q.queue);
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new Error(`workers of ${missing.join(', ')} not registered in Redis within 30 s`);
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
    expect(res.stdout).toMatch(new RegExp(`^ok: \\d+ streams fresh, 1 off, ${Object.values(QUEUES).length} queues with live workers\\n$`));
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
      await restartWorker(QUEUES.fetch);
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
    } finally {
      await succeededAgo('orders', 60_000);
    }
  });

  it('a stream that never succeeded: not stale until its threshold has passed since its first due run', async () => {
    const since = new ScheduledSince(r.redis, r.prefix);
    const status = (stream: string) => collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings(), streams: [stream] });
    // Never registered by a scheduler: nothing was due yet (the plan queue's missing worker is the problem then).
    const unscheduled = await status('nostream');
    expect(unscheduled.problems).toEqual([]);
    expect(unscheduled.streams[0]?.state).toBe('unscheduled');
    // Registered just now (a fresh deployment): pending, not a problem.
    await since.record('nostream', new Date());
    const pending = await status('nostream');
    expect(pending.problems).toEqual([]);
    expect(pending.streams[0]).toMatchObject({ state: 'pending', stale: false, lagSeconds: null });
    // Registered 2h 1m ago, default threshold 2h (no schedule): it truly never succeeds.
    await since.forget('nostream');
    await since.record('nostream', new Date(Date.now() - 121 * 60_000));
    await since.record('nostream', new Date()); // set once: a restarted scheduler does not restart the count
    const never = await status('nostream');
    expect(never.streams[0]).toMatchObject({ state: 'never', stale: true });
    expect(never.problems).toEqual([expect.stringMatching(/^stream nostream has never completed a run: first due \S+Z, more than 2h 0m ago \(default\)$/)]);
    await since.forget('nostream');
  });

  it('right after a first load, streams whose first scheduled run has not come yet keep --check at 0', async () => {
    const state = new StateRepository(ch.client);
    const since = new ScheduledSince(r.redis, r.prefix);
    // discounts has never run (its hourly refresh is ahead), the scheduler registered every stream a minute ago.
    await state.put({ stream: 'discounts', highWaterId: 0, pagingTotal: 0, watermark: null, cursor: '', lastRunId: '', lastSuccessAt: null });
    expect((await state.get('discounts')).lastSuccessAt).toBeNull();
    for (const s of STREAMS) await since.record(s, new Date(Date.now() - 60_000));
    try {
      const res = cli('--check');
      expect(res.stdout).toMatch(new RegExp(`^ok: \\d+ streams fresh, 1 not yet due, 1 off, ${Object.values(QUEUES).length} queues with live workers\\n$`));
      expect(res.status).toBe(0);
      const text = { stdout: formatStatus(await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings() })) };
      expect(text.stdout).toMatch(/^discounts\s.*\spending \(first due \S+Z\)$/m);
      // Off streams say off in the text table too, never ok.
      expect(text.stdout).toMatch(/^partner_tickets\s.*\soff \(QTICKETS_PARTNERS_TOKEN is not set\)$/m);
      // The scheduler's gauges: the never-succeeded stream has its series (first due, last success 0) for the alert.
      const m = new PipelineMetrics({ service: 'scheduler', log: createLogger({ name: 't', level: 'silent' }), defaultMetrics: false });
      m.observeStreams(streamFreshness(ch.client, settings(), { redis: r.redis, prefix: r.prefix }));
      const metrics = await m.metrics();
      await m.close();
      expect(sample(metrics, METRIC_NAMES.streamLastSuccess, { stream: 'discounts' })).toBe(0);
      expect(sample(metrics, METRIC_NAMES.streamLag, { stream: 'discounts' })).toBeUndefined();
      expect(sample(metrics, METRIC_NAMES.streamFirstDue, { stream: 'discounts' })).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(sample(metrics, METRIC_NAMES.streamStaleAfter, { stream: 'discounts' })).toBe(3 * 3_600);
      expect(sample(metrics, METRIC_NAMES.streamLastSuccess, { stream: 'partner_tickets' })).toBeUndefined();
    } finally {
      await succeededAgo('discounts', 60_000);
      await r.redis.del(`${r.prefix}:scheduled-since`);
    }
  });

  it('prioritized jobs with no worker: counted in qtp_queue_jobs, the status table and --check', async () => {
    await workers.get(QUEUES.fetch)?.close();
    workers.delete(QUEUES.fetch);
    const fetch = new Queue(QUEUES.fetch, { connection: r.redis, prefix: r.prefix });
    const m = new PipelineMetrics({ service: 'fetcher', log: createLogger({ name: 't', level: 'silent' }), defaultMetrics: false });
    try {
      for (let i = 0; i < 7; i++) await fetch.add('page', { i }, { jobId: `prio-${i}`, priority: 5 });
      await fetch.add('page', { i: 'plain' }, { jobId: 'plain-0' });
      const report = await collectStatus({ redis: r.redis, clickhouse: ch.client, prefix: r.prefix, settings: settings() });
      expect(report.queues.find((q) => q.queue === QUEUES.fetch)).toMatchObject({ waiting: 1, prioritized: 7, workers: 0 });
      m.observeQueues([QUEUES.fetch], r.redis, r.prefix);
      const metrics = await m.metrics();
      expect(sample(metrics, METRIC_NAMES.queueJobs, { queue: QUEUES.fetch, state: 'prioritized' })).toBe(7);
      expect(sample(metrics, METRIC_NAMES.queueJobs, { queue: QUEUES.fetch, state: 'waiting' })).toBe(1);
      for (const state of QUEUE_STATES) expect(sample(metrics, METRIC_NAMES.queueJobs, { queue: QUEUES.fetch, state }), state).toBeDefined();
      expect(formatStatus(report)).toMatch(/^fetch\s+1\s+7\s+0\s+0\s+0\s+0\s+\d+\s+0 \(none!\)$/m);
      const check = cli('--check');
      expect(check.stdout).toBe('problem: queue fetch has no live worker (8 jobs waiting)\n');
      expect(check.status).toBe(1);
    } finally {
      await m.close();
      await fetch.obliterate({ force: true });
      await fetch.close();
      await restartWorker(QUEUES.fetch);
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

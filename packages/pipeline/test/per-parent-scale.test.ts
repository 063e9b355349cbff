import { createLogger, createQueue } from '@qtp/shared';
import { type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schedulerEnv } from '../src/config/env.ts';
import { handleDiscover } from '../src/handlers/discover.handler.ts';
import { handlePlanRun } from '../src/handlers/plan-run.handler.ts';
import { type DiscoverPayload, fetchJob } from '../src/jobs/fetch.job.ts';
import { RunStages } from '../src/state/run-stages.ts';
import { RunTracker } from '../src/state/run-tracker.ts';
import { RunsRepository } from '../src/state/runs.repository.ts';
import { StateRepository } from '../src/state/state.repository.ts';
import { checkinsStream } from '../src/streams/checkins/checkins.stream.ts';
import { transformCheckinRecord } from '../src/streams/checkins/checkins.transform.ts';
import type { StreamName } from '../src/streams/registry.ts';
import { showRow } from './fixtures.ts';

/**
 * Plans at the upper end of the budget settings, through the real plan and discover handlers against Redis and
 * ClickHouse: 20,000 due barcodes of one show (CHECKINS_MAX_REQUESTS_PER_RUN up to 100,000), a reconciliation of
 * 10,000 shows' partner tickets and 10,000 shows' inventory. No job payload carries the plan, every unit is
 * registered and enqueued, and the heap stays within a worker's bound (--max-old-space-size=112).
 */
const SALT = 'scale-salt-0123456789';
const H = 3_600_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const SHOWS = 10_000;
const BARCODES = 20_000;
const WORKER_HEAP_MB = 112;
const log = createLogger({ name: 'scale-test', level: 'silent' });

/**
 * Peak heap growth (MB) while `fn` runs, sampled every 20 ms: the scheduler's and the fetcher's share together, garbage
 * included (no GC is forced), so an upper bound of what either worker holds.
 */
async function peakHeapGrowthMb<T>(fn: () => Promise<T>): Promise<{ value: T; mb: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { value, mb: (peak - base) / 1_048_576 };
  } finally {
    clearInterval(timer);
  }
}

describe('per-parent plans at the budgets’ upper end', () => {
  let ch: TestClickHouse;
  let r: TestRedis;
  let fetchQueue: Queue;
  let tracker: RunTracker;
  let stages: RunStages;
  const config = schedulerEnv.parse({
    REDIS_URL: 'redis://127.0.0.1:6379',
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CHECKINS_MAX_REQUESTS_PER_RUN: '100000',
    PARTNER_TICKETS_MAX_REQUESTS_PER_RECONCILE: '1000000',
    INVENTORY_MAX_SHOWS_PER_RUN: '100000',
    QTICKETS_PARTNERS_TOKEN: 'set',
  }) as Record<string, unknown>;

  beforeAll(async () => {
    ch = await testWarehouse('scale');
    r = testRedis('scale');
    fetchQueue = createQueue(fetchJob, r.redis, r.prefix);
    tracker = new RunTracker(r.redis, r.prefix);
    stages = new RunStages(r.redis, r.prefix);
    // show 1 is in its check-in window; the others start over the next weeks
    const shows = [showRow(1, NOW - H, NOW + H), ...Array.from({ length: SHOWS - 1 }, (_, i) => showRow(i + 2, NOW + (i + 3) * H, NOW + (i + 5) * H))];
    await ch.client.insert({ table: 'stg_qtickets_api_shows', values: shows, format: 'JSONEachRow' });
    // a list of show 1 with 20,000 valid barcodes, none polled yet
    const ctx = { fetchedAt: new Date(NOW - 60_000).toISOString(), runId: 'earlier', parent: { kind: 'list', show_id: 1, event_id: 9 } };
    const rows: Record<string, Array<Record<string, unknown>>> = {};
    const records = [{ list: { count: BARCODES } }, ...Array.from({ length: BARCODES }, (_, i) => ({ barcode: { barcode: `88${String(i).padStart(10, '0')}`, seat_name: `s${i}`, zone_name: 'Hall' } }))];
    for (const raw of records) {
      const out = transformCheckinRecord(checkinsStream.sanitize(raw, { piiSalt: SALT }), ctx);
      if (out.kind !== 'rows') throw new Error(out.reason);
      for (const [t, rs] of Object.entries(out.rows)) (rows[t] ??= []).push(...rs);
    }
    for (const [table, values] of Object.entries(rows)) await ch.client.insert({ table, values, format: 'JSONEachRow' });
  }, 60_000);
  afterAll(async () => {
    await fetchQueue?.close();
    await r?.close();
    await ch?.close();
  });

  /** Plans one run (scheduler) and discovers it (fetcher); returns the run, its units and the discover job's size. */
  async function planAndDiscover(stream: StreamName, mode: 'incremental' | 'reconcile') {
    const deps = {
      state: new StateRepository(ch.client),
      tracker,
      stages,
      runs: new RunsRepository(ch.client),
      clickhouse: ch.client,
      fetchQueue,
      config,
      runTimeoutMs: 600_000,
      now: () => new Date(NOW),
    };
    const planned = await handlePlanRun({ stream, mode }, deps, log);
    if (planned.status !== 'ok') throw new Error(`plan skipped: ${planned.reason}`);
    const runId = String(planned.detail?.runId);
    const job = await fetchQueue.getJob(`${runId}|discover`);
    if (!job) throw new Error(`no discover job for ${runId}`);
    const discoverBytes = Buffer.byteLength(JSON.stringify(job.data));
    const verifyFilter = () => ({ honoured: true });
    await handleDiscover(job.data as DiscoverPayload, { api: {} as never, verifyFilter: verifyFilter as never, tracker, stages, fetchQueue }, log);
    await job.remove();
    const info = await tracker.info(runId);
    await tracker.unlock(stream, runId);
    return { runId, info, discoverBytes };
  }

  beforeEach(async () => {
    await fetchQueue.obliterate({ force: true });
  });

  const enqueued = async (runId: string, sample: string) => {
    const counts = await fetchQueue.getJobCounts('waiting', 'prioritized');
    return { jobs: (counts.waiting ?? 0) + (counts.prioritized ?? 0), sample: await fetchQueue.getJob(`${runId}|${sample}`) };
  };

  it('check-ins: 20,000 due barcodes and the list of their show in one run', async () => {
    const { value, mb } = await peakHeapGrowthMb(() => planAndDiscover('checkins', 'reconcile'));
    expect(value.discoverBytes).toBeLessThan(1_024);
    expect(value.info).toMatchObject({ planned: true, expected: BARCODES + 1, done: 0 });
    const { jobs, sample } = await enqueued(value.runId, 'i|ls1');
    expect(jobs).toBe(BARCODES + 1);
    expect(sample?.data).toMatchObject({ kind: 'item', key: 'ls1', parent: { kind: 'list', show_id: 1 } });
    expect(mb, 'heap growth while planning (MB)').toBeLessThan(WORKER_HEAP_MB);
  }, 30_000);

  it('partner tickets: a reconciliation of 10,000 shows', async () => {
    const { value, mb } = await peakHeapGrowthMb(() => planAndDiscover('partner_tickets', 'reconcile'));
    expect(value.discoverBytes).toBeLessThan(1_024);
    expect(value.info).toMatchObject({ planned: true, expected: SHOWS });
    const { jobs, sample } = await enqueued(value.runId, `i|ev9-sh${SHOWS}`);
    expect(jobs).toBe(SHOWS);
    expect(sample?.data).toMatchObject({ kind: 'item', parent: { event_id: 9, show_id: SHOWS } });
    expect(mb, 'heap growth while planning (MB)').toBeLessThan(WORKER_HEAP_MB);
  }, 30_000);

  it('inventory: 10,000 shows never snapshotted, in one run', async () => {
    const { value, mb } = await peakHeapGrowthMb(() => planAndDiscover('inventory', 'incremental'));
    expect(value.info).toMatchObject({ planned: true, expected: SHOWS });
    const { jobs } = await enqueued(value.runId, 'i|show1');
    expect(jobs).toBe(SHOWS);
    expect(mb, 'heap growth while planning (MB)').toBeLessThan(WORKER_HEAP_MB);
  }, 30_000);
});

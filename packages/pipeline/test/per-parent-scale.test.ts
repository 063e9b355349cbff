import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createQueue } from '@qtp/shared';
import { type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulerEnv } from '../src/config/env.ts';
import { fetchJob } from '../src/jobs/fetch.job.ts';
import { RunTracker } from '../src/state/run-tracker.ts';
import { checkinsStream } from '../src/streams/checkins/checkins.stream.ts';
import { transformCheckinRecord } from '../src/streams/checkins/checkins.transform.ts';
import { showRow } from './fixtures.ts';

/**
 * Plans at the upper end of the budget settings, through the real plan and discover handlers against Redis and
 * ClickHouse: 20,000 due barcodes of one show (CHECKINS_MAX_REQUESTS_PER_RUN up to 100,000), a reconciliation of
 * 10,000 shows' partner tickets and 10,000 shows' inventory. No job payload carries the plan, every unit is
 * registered and enqueued, and the scheduler's and the fetcher's parts each run in a process bounded like a worker
 * (--max-old-space-size=112): past the bound they would die of heap exhaustion and the test fail.
 */
const SALT = 'scale-salt-0123456789';
const H = 3_600_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const SHOWS = 10_000;
const BARCODES = 20_000;

const SCRIPT = resolve(import.meta.dirname, 'plan-bounded.script.ts');
/** The workers' V8 flags (each app's package.json start script, WORKER_NODE_OPTIONS). */
const WORKER_FLAGS = ['--max-old-space-size=112', '--max-semi-space-size=4'];

/** Runs one side of the planning in a process bounded like a worker; it fails (heap out of memory) past the bound. */
function bounded(args: string[], env: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [...WORKER_FLAGS, SCRIPT, ...args], { env: { PATH: process.env.PATH, QTP_SCALE: JSON.stringify(env) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out.trim().split('\n').pop() ?? '{}')) : rej(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-2_000)}`)),
    );
  });
}

describe('per-parent plans at the budgets’ upper end', () => {
  let ch: TestClickHouse;
  let r: TestRedis;
  let fetchQueue: Queue;
  let tracker: RunTracker;
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
    // show 1 is in its check-in window; the others start over the next weeks
    const shows = [showRow(1, NOW - H, NOW + H), ...Array.from({ length: SHOWS - 1 }, (_, i) => showRow(i + 2, NOW + (i + 3) * H, NOW + (i + 5) * H))];
    await ch.client.insert({ table: 'stg_qtickets_api_shows', values: shows, format: 'JSONEachRow' });
    // a list of show 1 with 20,000 valid barcodes, none polled yet
    const ctx = { fetchedAt: new Date(NOW - 60_000).toISOString(), runId: 'earlier', parent: { kind: 'list', show_id: 1, event_id: 9 } };
    const rows: Record<string, Array<Record<string, unknown>>> = {};
    const records = [
      { list: { count: BARCODES } },
      ...Array.from({ length: BARCODES }, (_, i) => ({ barcode: { barcode: `88${String(i).padStart(10, '0')}`, seat_name: `s${i}`, zone_name: 'Hall' } })),
    ];
    for (const raw of records) {
      const out = transformCheckinRecord(checkinsStream.sanitize(raw, { piiSalt: SALT }), ctx);
      if (out.kind !== 'rows') throw new Error(out.reason);
      for (const [t, rs] of Object.entries(out.rows)) {
        const list = rows[t] ?? [];
        list.push(...rs);
        rows[t] = list;
      }
    }
    for (const [table, values] of Object.entries(rows)) await ch.client.insert({ table, values, format: 'JSONEachRow' });
  }, 60_000);
  afterAll(async () => {
    await fetchQueue?.close();
    await r?.close();
    await ch?.close();
  });

  /** The three runs, planned in one scheduler process and discovered in one fetcher process, each bounded like a worker. */
  let runs: Record<string, { runId: string; discoverBytes: number }> = {};
  let rss = { scheduler: 0, fetcher: 0 };
  beforeAll(async () => {
    const env = { redisUrl: r.url, prefix: r.prefix, clickhouse: ch.settings, config, nowMs: NOW };
    const plan = await bounded(['plan', 'checkins:reconcile', 'partner_tickets:reconcile', 'inventory:incremental'], env);
    const ids = ['checkins', 'partner_tickets', 'inventory'].map((s) => String(plan[s]));
    const discover = await bounded(['discover', ...ids], env);
    runs = Object.fromEntries(ids.map((id, i) => [['checkins', 'partner_tickets', 'inventory'][i], { runId: id, discoverBytes: Number(discover[id]) }]));
    rss = { scheduler: Number(plan.peakRssMb), fetcher: Number(discover.peakRssMb) };
    console.info(`peak RSS: scheduler ${rss.scheduler} MB, fetcher ${rss.fetcher} MB`);
  }, 60_000);

  const check = async (stream: string, units: number, sample: string) => {
    const run = runs[stream];
    if (!run) throw new Error(`no ${stream} run`);
    expect(run.discoverBytes).toBeLessThan(1_024); // the plan travels in Redis, not in the job
    expect(await tracker.info(run.runId)).toMatchObject({ planned: true, expected: units, done: 0 });
    const job = await fetchQueue.getJob(`${run.runId}|${sample}`);
    expect(job?.data).toMatchObject({ kind: 'item', runId: run.runId });
    return job?.data as { parent: Record<string, unknown> };
  };

  it('check-ins: 20,000 due barcodes and the list of their show in one run', async () => {
    expect((await check('checkins', BARCODES + 1, 'i|ls1')).parent).toMatchObject({ kind: 'list', show_id: 1 });
  });

  it('partner tickets: a reconciliation of 10,000 shows', async () => {
    expect((await check('partner_tickets', SHOWS, `i|ev9-sh${SHOWS}`)).parent).toMatchObject({ event_id: 9, show_id: SHOWS });
  });

  it('inventory: 10,000 shows never snapshotted, in one run', async () => {
    await check('inventory', SHOWS, 'i|show1');
  });

  it('every unit is enqueued once, and neither process outgrew its heap bound', async () => {
    const counts = await fetchQueue.getJobCounts('waiting', 'prioritized');
    expect((counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(BARCODES + 1 + 2 * SHOWS);
    expect(rss.scheduler).toBeGreaterThan(0);
    expect(rss.fetcher).toBeGreaterThan(0);
  });
});

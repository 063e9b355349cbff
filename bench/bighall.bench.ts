/**
 * `pnpm bench:bighall [--seats 10000] [--rps 100] [--budget 20000]`: check-ins of a sold-out big hall in its check-in
 * window (the simulator's bigHallSeats), through the four apps as processes with their default settings except the
 * API limit and CHECKINS_MAX_REQUESTS_PER_RUN, against an embedded ClickHouse and Redis:
 *   - requests of one `requeue checkins` run (lists, polls), and whether the hall's scan status is then exact,
 *   - its wall time at the bench's API limit, and the time at the real limit (5 requests/s), computed as requests / 5
 *     (the fetch queue's limiter is what paces a run; the measured pipeline overhead over requests / rps is printed),
 *   - what the default budget (300 a run, every 5 min) needs for the same hall: runs and time,
 *   - peak RSS of every worker process during the run (sampled every 200 ms, and the kernel's VmHWM).
 * Results go to docs/benchmarks.md by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApps, startClickHouse, startRedis, stopApps } from '@qtp/embedded';
import { planRunJob, RunTracker } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createClickHouseAdmin, createLogger, createQueue, createRedis, enqueue, Migrator } from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';
import { DateTime } from 'luxon';
import { benchAppEnv, memory } from './load-probes.ts';

const { values } = parseArgs({
  options: {
    seats: { type: 'string', default: '10000' },
    rps: { type: 'string', default: '100' },
    budget: { type: 'string', default: '20000' },
  },
});
const seats = Number(values.seats);
const rps = Number(values.rps);
if (!(rps > 0 && rps <= 100)) throw new Error('--rps: QTICKETS_RPS takes 1..100');
const REAL_RPS = 5;
const DEFAULT_BUDGET = 300;
const log = createLogger({ name: 'bench', level: 'silent' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const minutes = (s: number) => `${fmt(s / 60, 1)} min`;

const dir = mkdtempSync(join(tmpdir(), 'qtp-bighall-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
const redisServer = await startRedis({ dataDir: join(dir, 'redis') });
const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'bighall' };
let apps: ReturnType<typeof spawnApps> | undefined;
let stopping = false;
try {
  out(
    `node ${process.version}, ${new Date().toISOString()}, a hall of ${fmt(seats)} seats, API limit ${rps} requests/s, CHECKINS_MAX_REQUESTS_PER_RUN ${values.budget}`,
  );
  const admin = createClickHouseAdmin(settings);
  await new Migrator(admin, { dir: resolve(import.meta.dirname, '../migrations'), database: 'bighall', log }).up();
  // about 0.8 orders a seat sell the hall out (1.8 tickets an order, some unpaid or refunded)
  // The apps plan by the wall clock: the simulator's "now" is the real one, so the hall is in its window for them.
  const now = DateTime.now().setZone('Europe/Moscow').toISO({ suppressMilliseconds: true }) as string;
  const sim = await startSimulator({ seed: 5, now, historyDays: 10, orders: Math.ceil(seats * 0.8), bigHallSeats: seats });
  const hall = [...sim.truth().checkins].sort((a, b) => b.valid_barcodes - a.valid_barcodes)[0];
  if (!hall) throw new Error('the simulator has no show with barcodes');
  out(`the hall: show ${hall.show_id}, ${fmt(hall.valid_barcodes)} valid barcodes, ${fmt(hall.checked_in)} scanned (simulator truth)`);
  const env = {
    ...benchAppEnv(),
    ...settings,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: 'bighall',
    QTICKETS_BASE_URL: sim.apiBaseUrl,
    QTICKETS_TOKEN: sim.token,
    PII_HASH_SALT: 'bench-salt-0123456789abcdef',
    QTICKETS_RPS: String(rps),
    CHECKINS_MAX_REQUESTS_PER_RUN: values.budget,
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  let exited: string | null = null;
  const procs = spawnApps(env, dir, (app, code) => {
    if (stopping) return;
    exited = `${app} exited (${code ?? 'killed'}): ${readFileSync(join(dir, `${app}.log`), 'utf8').slice(-600)}`;
  });
  apps = procs;
  const redis = createRedis(redisServer.url, 'bench');
  const planQueue = createQueue(planRunJob, redis, 'bighall');
  const tracker = new RunTracker(redis, 'bighall');
  const run = async (stream: 'events' | 'checkins') => {
    const jobId = await enqueue(planQueue, planRunJob, { stream, mode: 'reconcile', requestId: `bench-${stream}` });
    for (let runId: string | undefined; ; await sleep(250)) {
      if (exited) throw new Error(exited);
      runId ??= ((await planQueue.getJob(jobId))?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
      if (runId && (await tracker.info(runId))?.finalized) return runId;
    }
  };
  await sleep(1_500);
  await run('events'); // the shows the check-ins stream plans from
  const peak = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const [app, child] of procs) if (child.pid) peak.set(app, Math.max(peak.get(app) ?? 0, memory(child.pid).rss));
  }, 200);
  const sum = (key: string) => Object.values(sim.requests().byEndpoint[key] ?? {}).reduce((n, v) => n + v, 0);
  const [lists0, polls0] = [sum('GET /shows/:id/barcodes'), sum('GET /shows/:id/barcode/:barcode')];
  const t0 = performance.now();
  await run('checkins');
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const hwm = new Map([...procs].map(([app, child]) => [app, child.pid ? memory(child.pid).hwm : 0]));
  const lists = sum('GET /shows/:id/barcodes') - lists0;
  const polls = sum('GET /shows/:id/barcode/:barcode') - polls0;
  const requests = lists + polls;
  const client = createClickHouse(settings);
  const rs = await client.query({
    query: 'SELECT tickets_valid, checked_in FROM v_attendance_by_show WHERE show_id = {show:UInt64}',
    query_params: { show: hall.show_id },
    format: 'JSONEachRow',
  });
  const ours = (await rs.json<{ tickets_valid: string; checked_in: string }>())[0];
  const exact = Number(ours?.tickets_valid) === hall.valid_barcodes && Number(ours?.checked_in) === hall.checked_in;
  out(`one run (requeue checkins): ${fmt(requests)} requests (${fmt(lists)} lists, ${fmt(polls)} polls) in ${fmt(wallS, 1)} s at ${rps} requests/s`);
  out(`  the hall in ClickHouse: ${ours?.tickets_valid ?? 0} valid, ${ours?.checked_in ?? 0} scanned: ${exact ? 'exact' : 'NOT exact'}`);
  out(`  pipeline overhead: ${fmt(wallS / (requests / rps), 2)}× requests / rps`);
  out(`  at the real API limit (${REAL_RPS} requests/s): ${minutes(requests / REAL_RPS)} to exact scan status (computed: requests / ${REAL_RPS})`);
  const perRun = DEFAULT_BUDGET - lists;
  const runs = Math.ceil(polls / perRun);
  out(`  at the default budget (${DEFAULT_BUDGET} a run, one run every 5 min): ${runs} runs, about ${minutes(runs * 300)} (computed: polls / ${perRun} a run)`);
  for (const app of procs.keys()) out(`  ${app.padEnd(11)} peak RSS ${fmt(peak.get(app) ?? 0)} MB (VmHWM ${fmt(hwm.get(app) ?? 0)} MB)`);
  await planQueue.close();
  await closeRedis(redis);
  await client.close();
  await admin.close();
  await sim.close();
  if (!exact) {
    process.exitCode = 1;
    for (const app of procs.keys())
      out(
        `${app}: ${readFileSync(join(dir, `${app}.log`), 'utf8')
          .split('\n')
          .slice(-5)
          .join('\n')}`,
      );
  }
} finally {
  stopping = true;
  if (apps) await stopApps(apps, 10_000);
  await redisServer.stop();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

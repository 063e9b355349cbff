/**
 * `pnpm bench:load [--orders N] [--replicas R] [--source prerendered|live] [--cpu-prof DIR]`: the whole pipeline under
 * load, as in production (the four apps as processes with default settings except a raised API limit), against the
 * simulator (its own process) and an embedded ClickHouse and Redis:
 *   - end-to-end throughput of a first load (simulator → scheduler → fetcher → transformer → writer → ClickHouse),
 *   - per process (every app replica, the API source, ClickHouse, Redis): CPU seconds (user + system, from /proc)
 *     per 1,000 orders, and peak RSS (sampled every 200 ms, and the kernel's VmHWM),
 *   - bytes per order through Redis (its network counters) and the mean payload of a job in each queue,
 *   - the result checked exactly against the simulator's ground truth (per-day sales),
 *   - in the same run, a raw insert of the same final rows into the same tables (INSERT … SELECT into a second
 *     database migrated alike): what ClickHouse alone needs for those rows.
 * By default the source serves pre-rendered pages (every page rendered and gzipped once before the clock starts), so
 * that the pipeline, not the simulator, is measured. --cpu-prof writes V8 CPU profiles of the apps into DIR
 * (summarise them with bench/cpu-profile-summary.ts). Results go to docs/benchmarks.md by hand.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { APPS, dashboardByDay, spawnApps, startClickHouse, startRedis, stopApps, truthByDay } from '@qtp/embedded';
import { planRunJob, QUEUES, RunTracker } from '@qtp/pipeline';
import {
  closeRedis,
  createClickHouse,
  createClickHouseAdmin,
  createLogger,
  createQueue,
  createRedis,
  enqueue,
  Migrator,
  WORKER_NODE_OPTIONS,
} from '@qtp/shared';
import { benchAppEnv, cpuSeconds, memory, PayloadSampler, prerenderOrderPages, redisNetBytes, startApiSource } from './load-probes.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    rps: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '1' },
    source: { type: 'string', default: 'prerendered' },
    'cpu-prof': { type: 'string' },
    'node-options': { type: 'string' },
    env: { type: 'string', multiple: true },
  },
});
const orders = Number(values.orders);
const replicas = Number(values.replicas);
const prerendered = values.source !== 'live';
const log = createLogger({ name: 'bench', level: 'silent' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIGRATIONS = resolve(import.meta.dirname, '../migrations');
const cpuProf = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
if (cpuProf) mkdirSync(cpuProf, { recursive: true });
const nodeOptions = [values['node-options'] ?? WORKER_NODE_OPTIONS, ...(cpuProf ? [`--cpu-prof --cpu-prof-dir=${cpuProf}`] : [])].join(' ');

const dir = mkdtempSync(join(tmpdir(), 'qtp-load-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
const redisServer = await startRedis({ dataDir: join(dir, 'redis') });
const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'load' };
let closeSource: (() => Promise<void>) | undefined;
try {
  out(
    `node ${process.version}, ${new Date().toISOString()}, ${fmt(orders)} orders, API limit ${values.rps} requests/s, ${replicas} replica(s) of fetcher/transformer/writer, source ${prerendered ? 'pre-rendered' : 'live'}, NODE_OPTIONS of the apps: ${nodeOptions}`,
  );
  const admin = createClickHouseAdmin(settings);
  for (const database of ['load', 'raw']) await new Migrator(admin, { dir: MIGRATIONS, database, log }).up();
  const tSource = performance.now();
  const source = await startApiSource({ orders, logDir: dir, cacheReplies: prerendered });
  closeSource = source.close;
  if (prerendered) {
    const pages = await prerenderOrderPages(source);
    out(`source: ${fmt(orders)} orders generated, ${fmt(pages)} pages pre-rendered in ${fmt((performance.now() - tSource) / 1000, 1)} s (its own process)`);
  }
  await fetch(`${source.url}/__sim/requests/reset`, { method: 'POST' });
  const env = {
    ...benchAppEnv(),
    ...settings,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: 'load',
    QTICKETS_BASE_URL: source.apiBaseUrl,
    QTICKETS_TOKEN: source.token,
    PII_HASH_SALT: 'bench-salt-0123456789abcdef',
    QTICKETS_RPS: values.rps,
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: nodeOptions,
    // --env NAME=VALUE: an app setting for this run (e.g. --env WRITER_CONCURRENCY=50)
    ...Object.fromEntries((values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
  let stopping = false;
  const apps = spawnApps(env, dir, (app, code) => stopping || out(`${app} exited (${code ?? 'killed'}): see ${join(dir, `${app}.log`)}`), {
    fetcher: replicas,
    transformer: replicas,
    writer: replicas,
  });
  const redis = createRedis(redisServer.url, 'bench');
  const planQueue = createQueue(planRunJob, redis, 'load');
  await sleep(1_500);
  const pids = new Map<string, number>([
    ...[...apps].map(([app, child]) => [app, child.pid ?? 0] as const),
    ['source', source.child.pid ?? 0],
    ['clickhouse', ch.pid],
    ['redis', redisServer.pid],
  ]);
  const peak = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const [name, pid] of pids) peak.set(name, Math.max(peak.get(name) ?? 0, memory(pid).rss));
  }, 200);
  const payloads = new PayloadSampler(redis, 'load', [QUEUES.fetch, QUEUES.transform, QUEUES.write]);
  const cpu0 = new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
  const net0 = await redisNetBytes(redis);
  const t0 = performance.now();
  const jobId = await enqueue(planQueue, planRunJob, { stream: 'orders', mode: 'reconcile', requestId: 'load' });
  const tracker = new RunTracker(redis, 'load');
  let runId: string | undefined;
  let units = 0;
  for (let tick = 0; ; tick++) {
    await sleep(250);
    if (tick % 2 === 0) await payloads.sample();
    runId ??= ((await planQueue.getJob(jobId))?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
    const info = runId ? await tracker.info(runId) : null;
    if (info?.finalized) {
      units = info.expected;
      break;
    }
  }
  const loadMs = performance.now() - t0;
  const cpu = new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid) - (cpu0.get(name) ?? 0)]));
  const net = await redisNetBytes(redis);
  clearInterval(sampler);
  const hwm = new Map([...pids].map(([name, pid]) => [name, memory(pid).hwm]));
  const client = createClickHouse(settings);
  const rows = async (db: string, table: string) =>
    Number((await (await client.query({ query: `SELECT count() AS n FROM ${db}.${table} FINAL`, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n);
  const lines = await rows('load', 'stg_qtickets_api_order_lines');
  const loadedOrders = await rows('load', 'stg_qtickets_api_orders_raw');
  const truth = (await (await fetch(`${source.url}/__sim/truth`)).json()) as Parameters<typeof truthByDay>[0] & { orders?: number };
  const exact = JSON.stringify(await dashboardByDay(client)) === JSON.stringify(truthByDay(truth));
  const misses = (await (await fetch(`${source.url}/__sim/requests`)).json()) as { total?: number };
  out(
    `pipeline: ${fmt(loadedOrders)} orders (${fmt(lines)} ticket lines, ${fmt(units)} pages) in ${fmt(loadMs / 1000, 1)} s: ${fmt(loadedOrders / (loadMs / 1000))} orders/s end to end; per-day sales ${exact ? 'exactly equal to' : 'DIFFERENT FROM'} the simulator's truth`,
  );
  if (prerendered) out(`  source rendered ${misses.total ?? '?'} requests during the load (the rest came pre-rendered)`);
  const per1k = (s: number) => (s / loadedOrders) * 1000;
  out(`  ${'process'.padEnd(14)} ${'CPU s'.padStart(8)} ${'CPU s/1k orders'.padStart(16)} ${'peak RSS MB'.padStart(12)} ${'VmHWM MB'.padStart(9)}`);
  for (const [name, s] of cpu) {
    out(
      `  ${name.padEnd(14)} ${fmt(s, 1).padStart(8)} ${fmt(per1k(s), 3).padStart(16)} ${fmt(peak.get(name) ?? 0).padStart(12)} ${fmt(hwm.get(name) ?? 0).padStart(9)}`,
    );
  }
  const isApp = (name: string) => APPS.some((a) => name === a || name.startsWith(`${a}-`));
  const appsCpu = [...cpu].filter(([n]) => isApp(n)).reduce((a, [, s]) => a + s, 0);
  const pipelineCpu = [...cpu].filter(([n]) => n !== 'source').reduce((a, [, s]) => a + s, 0);
  out(
    `  apps (${[...cpu.keys()].filter(isApp).length} processes) ${fmt(per1k(appsCpu), 3)} CPU s/1k orders; pipeline (apps + Redis + ClickHouse) ${fmt(per1k(pipelineCpu), 3)} CPU s/1k orders; wall ${fmt(per1k(loadMs / 1000), 3)} s/1k orders`,
  );
  out(
    `  Redis: ${fmt((net.in - net0.in) / loadedOrders)} bytes in and ${fmt((net.out - net0.out) / loadedOrders)} bytes out per order; mean job payload ${[
      ...payloads.means(),
    ]
      .map(([q, m]) => `${q} ${fmt(m.mean)} B (${m.sampled} sampled)`)
      .join(', ')}`,
  );
  const t1 = performance.now();
  for (const table of ['stg_qtickets_api_orders_raw', 'stg_qtickets_api_order_lines'])
    await client.command({ query: `INSERT INTO raw.${table} SELECT * FROM load.${table} FINAL`, clickhouse_settings: { async_insert: 0 } });
  const rawMs = performance.now() - t1;
  out(`raw insert of the same final rows (INSERT … SELECT): ${fmt(rawMs / 1000, 1)} s; the pipeline took ${fmt(loadMs / rawMs, 1)}× as long`);
  stopping = true;
  await stopApps(apps, 10_000);
  await planQueue.close();
  await closeRedis(redis);
  await client.close();
  await admin.close();
  if (!exact) process.exitCode = 1;
} finally {
  // the source is its own process: never left behind, whatever failed
  await closeSource?.();
  await redisServer.stop();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

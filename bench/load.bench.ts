/**
 * `pnpm bench:load [--orders N]`: the whole pipeline under load, as in production (the four apps as processes with
 * default settings except a raised API limit), against the simulator and an embedded ClickHouse and Redis:
 *   - end-to-end throughput of a first load (simulator → scheduler → fetcher → transformer → writer → ClickHouse),
 *   - peak RSS of every worker process during it (sampled every 200 ms, and the kernel's VmHWM),
 *   - in the same run, a raw insert of the same final rows into the same tables (INSERT … SELECT into a second
 *     database migrated alike): what ClickHouse alone needs for those rows.
 * Results go to docs/benchmarks.md by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApps, startClickHouse, startRedis, stopApps } from '@qtp/embedded';
import { planRunJob, RunTracker, STREAM_DEFINITIONS } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createClickHouseAdmin, createLogger, createQueue, createRedis, enqueue, Migrator } from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    rps: { type: 'string', default: '100' },
    'node-options': { type: 'string' },
    env: { type: 'string', multiple: true },
  },
});
const orders = Number(values.orders);
const log = createLogger({ name: 'bench', level: 'silent' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIGRATIONS = resolve(import.meta.dirname, '../migrations');

/** Resident and peak-resident memory of a process, in MB, from /proc. */
function memory(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'qtp-load-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
const redisServer = await startRedis({ dataDir: join(dir, 'redis') });
const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'load' };
try {
  out(
    `node ${process.version}, ${new Date().toISOString()}, ${fmt(orders)} orders, API limit ${values.rps} requests/s, NODE_OPTIONS of the apps: ${values['node-options'] ?? '(launcher default)'}`,
  );
  const admin = createClickHouseAdmin(settings);
  for (const database of ['load', 'raw']) await new Migrator(admin, { dir: MIGRATIONS, database, log }).up();
  const sim = await startSimulator({ seed: 1, orders });
  const never = '0 0 1 1 *';
  const env = {
    PATH: process.env.PATH,
    QTP_ENV_FILE: '/dev/null',
    QTP_ENV: 'dev',
    ...Object.fromEntries(STREAM_DEFINITIONS.flatMap((s) => s.schedules.map((x) => [x.env, never]))),
    ...settings,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: 'load',
    QTICKETS_BASE_URL: sim.apiBaseUrl,
    QTICKETS_TOKEN: sim.token,
    PII_HASH_SALT: 'bench-salt-0123456789abcdef',
    QTICKETS_RPS: values.rps,
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...(values['node-options'] !== undefined ? { NODE_OPTIONS: values['node-options'] } : {}),
    // --env NAME=VALUE: an app setting for this run (e.g. --env WRITER_CONCURRENCY=50)
    ...Object.fromEntries((values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
  let stopping = false;
  const apps = spawnApps(env, dir, (app, code) => stopping || out(`${app} exited (${code ?? 'killed'}): see ${join(dir, `${app}.log`)}`));
  const redis = createRedis(redisServer.url, 'bench');
  const planQueue = createQueue(planRunJob, redis, 'load');
  await sleep(1_500);
  const peak = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const [app, child] of apps) if (child.pid) peak.set(app, Math.max(peak.get(app) ?? 0, memory(child.pid).rss));
  }, 200);
  const t0 = performance.now();
  const jobId = await enqueue(planQueue, planRunJob, { stream: 'orders', mode: 'reconcile', requestId: 'load' });
  const tracker = new RunTracker(redis, 'load');
  let runId: string | undefined;
  for (;;) {
    await sleep(250);
    runId ??= ((await planQueue.getJob(jobId))?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
    if (runId && (await tracker.info(runId))?.finalized) break;
  }
  const loadMs = performance.now() - t0;
  clearInterval(sampler);
  const hwm = new Map([...apps].map(([app, child]) => [app, child.pid ? memory(child.pid).hwm : 0]));
  const client = createClickHouse(settings);
  const rows = async (db: string, table: string) =>
    Number((await (await client.query({ query: `SELECT count() AS n FROM ${db}.${table} FINAL`, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n);
  const lines = await rows('load', 'stg_qtickets_api_order_lines');
  const loadedOrders = await rows('load', 'stg_qtickets_api_orders_raw');
  out(
    `pipeline: ${fmt(loadedOrders)} orders (${fmt(lines)} ticket lines) in ${fmt(loadMs / 1000, 1)} s: ${fmt(loadedOrders / (loadMs / 1000))} orders/s end to end`,
  );
  for (const app of apps.keys()) out(`  ${app.padEnd(11)} peak RSS ${fmt(peak.get(app) ?? 0)} MB (VmHWM ${fmt(hwm.get(app) ?? 0)} MB)`);
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
  await sim.close();
} finally {
  await redisServer.stop();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `pnpm bench:replay [--orders N] [--compare-landing]`: replay from the raw landing against the whole pipeline, as in
 * production (the four apps as processes with default settings except a raised API limit), in one run:
 *   - a first load of N orders (simulator → … → ClickHouse), raw landing on: its time, and the landing's bytes on disk
 *     per order beside the derived tables';
 *   - with --compare-landing, the same first load into a second database with RAW_LANDING=none (the landing's cost);
 *   - `replay orders` of everything: its time, API requests during it (must be 0), peak RSS of every worker;
 *   - a raw INSERT … SELECT of the same final rows into a third database migrated alike: ClickHouse alone.
 * Results go to docs/benchmarks.md by hand.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnApps, startClickHouse, startRedis, stopApps } from '@qtp/embedded';
import { ORDER_TABLES, planRunJob, RunTracker, rawTableOf } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createClickHouseAdmin, createLogger, createQueue, createRedis, enqueue, Migrator } from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';
import { benchAppEnv } from './load-probes.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    rps: { type: 'string', default: '100' },
    'compare-landing': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true },
  },
});
const orders = Number(values.orders);
const log = createLogger({ name: 'bench', level: 'silent' });
const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIGRATIONS = resolve(import.meta.dirname, '../migrations');

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'qtp-replay-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
const redisServer = await startRedis({ dataDir: join(dir, 'redis') });
const base = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '' };
try {
  out(`node ${process.version}, ${new Date().toISOString()}, ${fmt(orders)} orders, API limit ${values.rps} requests/s`);
  const admin = createClickHouseAdmin({ ...base, CLICKHOUSE_DATABASE: 'default' });
  for (const database of ['load', 'noraw', 'raw']) await new Migrator(admin, { dir: MIGRATIONS, database, log }).up();
  const sim = await startSimulator({ seed: 1, orders });
  const redis = createRedis(redisServer.url, 'bench');
  const client = createClickHouse({ ...base, CLICKHOUSE_DATABASE: 'load' });

  let stopping = false;
  const stop = async (apps: Map<string, ChildProcess>) => {
    stopping = true;
    await stopApps(apps, 10_000);
    stopping = false;
  };
  /** The four apps on one database and queue prefix; `extra` overrides settings. */
  const startApps = async (database: string, extra: Record<string, string> = {}) => {
    const env = {
      ...benchAppEnv(),
      ...base,
      CLICKHOUSE_DATABASE: database,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: database,
      QTICKETS_BASE_URL: sim.apiBaseUrl,
      QTICKETS_TOKEN: sim.token,
      PII_HASH_SALT: 'bench-salt-0123456789abcdef',
      QTICKETS_RPS: values.rps,
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      ...Object.fromEntries((values.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
      ...extra,
    };
    const apps = spawnApps(env, dir, (app, code) => stopping || out(`${app} exited (${code ?? 'killed'}): see ${join(dir, `${app}.log`)}`));
    await sleep(1_500);
    return apps;
  };
  /** One run to its end, with the peak RSS of each app meanwhile. */
  const run = async (apps: Map<string, ChildProcess>, prefix: string, mode: 'reconcile' | 'replay') => {
    const planQueue = createQueue(planRunJob, redis, prefix);
    const tracker = new RunTracker(redis, prefix);
    const peak = new Map<string, number>();
    const sampler = setInterval(() => {
      for (const [app, child] of apps) peak.set(app, Math.max(peak.get(app) ?? 0, rssMb(child.pid)));
    }, 200);
    const t0 = performance.now();
    const jobId = await enqueue(planQueue, planRunJob, { stream: 'orders', mode, requestId: `bench-${mode}` });
    let runId: string | undefined;
    for (;;) {
      await sleep(250);
      const job = await planQueue.getJob(jobId);
      if (job?.failedReason) throw new Error(`plan failed: ${job.failedReason}`);
      runId ??= (job?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
      if (runId && (await tracker.info(runId))?.finalized) break;
    }
    const ms = performance.now() - t0;
    clearInterval(sampler);
    await planQueue.close();
    return { ms, peak };
  };
  const count = async (sql: string) => Number((await (await client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n);
  const bytes = async (db: string, table: string) =>
    count(`SELECT sum(data_compressed_bytes) AS n FROM system.parts WHERE database = '${db}' AND table = '${table}' AND active`);

  let apps = await startApps('load');
  const load = await run(apps, 'load', 'reconcile');
  const loaded = await count(`SELECT count() AS n FROM load.${ORDER_TABLES.orders} FINAL`);
  const lines = await count(`SELECT count() AS n FROM load.${ORDER_TABLES.lines} FINAL`);
  out(`first load, raw landing on: ${fmt(loaded)} orders (${fmt(lines)} lines) in ${fmt(load.ms / 1000, 1)} s: ${fmt(loaded / (load.ms / 1000))} orders/s`);
  await client.command({ query: `OPTIMIZE TABLE load.${rawTableOf('orders')} FINAL` });
  const rawBytes = await bytes('load', rawTableOf('orders'));
  const derivedBytes = (await bytes('load', ORDER_TABLES.orders)) + (await bytes('load', ORDER_TABLES.lines));
  const rawRows = await count(`SELECT count() AS n FROM load.${rawTableOf('orders')}`);
  out(
    `raw landing: ${fmt(rawRows)} rows, ${fmt(rawBytes / 1_048_576, 1)} MB on disk = ${fmt(rawBytes / loaded)} bytes per order (derived orders + lines tables: ${fmt(derivedBytes / loaded)} bytes per order)`,
  );

  if (values['compare-landing']) {
    await stop(apps);
    apps = await startApps('noraw', { RAW_LANDING: 'none' });
    const noraw = await run(apps, 'noraw', 'reconcile');
    out(
      `first load, RAW_LANDING=none: ${fmt(noraw.ms / 1000, 1)} s: ${fmt(loaded / (noraw.ms / 1000))} orders/s; with the landing it took ${fmt(load.ms / noraw.ms, 2)}× as long`,
    );
    await stop(apps);
    apps = await startApps('load');
  }

  const requests = sim.requests().total;
  const replay = await run(apps, 'load', 'replay');
  out(
    `replay orders: ${fmt(rawRows)} raw records in ${fmt(replay.ms / 1000, 1)} s: ${fmt(rawRows / (replay.ms / 1000))} records/s, ${sim.requests().total - requests} API requests`,
  );
  for (const app of apps.keys())
    out(`  ${app.padEnd(11)} peak RSS during the replay ${fmt(replay.peak.get(app) ?? 0)} MB (first load: ${fmt(load.peak.get(app) ?? 0)} MB)`);
  const t1 = performance.now();
  for (const table of [ORDER_TABLES.orders, ORDER_TABLES.lines])
    await client.command({ query: `INSERT INTO raw.${table} SELECT * FROM load.${table} FINAL`, clickhouse_settings: { async_insert: 0 } });
  const rawMs = performance.now() - t1;
  out(`raw insert of the same final rows (INSERT … SELECT): ${fmt(rawMs / 1000, 1)} s; the replay took ${fmt(replay.ms / rawMs, 1)}× as long`);
  await stop(apps);
  await closeRedis(redis);
  await client.close();
  await admin.close();
  await sim.close();
} finally {
  await redisServer.stop();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { planRunJob, RunTracker, StateRepository } from '@qtp/pipeline';
import {
  closeRedis,
  createClickHouse,
  createClickHouseAdmin,
  createLogger,
  createQueue,
  createRedis,
  DEFAULT_EMBEDDED_DIR,
  enqueue,
  intFromEnv,
  loadConfig,
  logEnv,
  Migrator,
  parseCli,
  removeEmbeddedStack,
  writeEmbeddedStack,
} from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';
import { z } from 'zod';
import { spawnApps, stopApps } from './app-processes.ts';
import { startClickHouse } from './clickhouse.launcher.ts';
import { operatorCommands } from './operator-commands.ts';
import { startRedis } from './redis.launcher.ts';
import { dashboardByDay, formatSummary, groundTruthLine, salesSummary, truthByDay } from './sales-summary.ts';

/**
 * `pnpm start`: the whole pipeline on the embedded default — QTickets simulator, local ClickHouse and Redis (or
 * CLICKHOUSE_URL / REDIS_URL when set), migrations, and the four apps as separate processes. Prints the sales
 * summary from the views after every completed run; the simulator's clock runs DEMO_CLOCK_SPEED times faster than
 * real time so new orders, payments and refunds keep arriving. `--once` stops after the first run.
 */
const USAGE = `usage: pnpm start [--once]
  runs until Ctrl-C: the whole pipeline on the embedded default: QTickets simulator, local ClickHouse and Redis (or CLICKHOUSE_URL /
  REDIS_URL when set), migrations, and the four apps as separate processes (logs in EMBEDDED_DATA_DIR/logs; their ops
  endpoints on free ports, see each log's "ops server listening" line); prints the sales summary after every run
  --once   stop after the first completed run (exit 0 when the summary matches the simulator's ground truth)`;
const { values: flags } = parseCli('start', USAGE, { once: { type: 'boolean', default: false } });
const ROOT = resolve(import.meta.dirname, '../../..');
const cfg = loadConfig(
  z.object({
    ...logEnv,
    EMBEDDED_DATA_DIR: z.string().default(DEFAULT_EMBEDDED_DIR),
    CLICKHOUSE_URL: z.url().optional(),
    REDIS_URL: z.url().optional(),
    SIM_SEED: intFromEnv(0, 2 ** 31).default(1),
    SIM_HISTORY_DAYS: intFromEnv(1, 3_650).default(60),
    SIM_ORDERS_PER_DAY: intFromEnv(1, 100_000).default(750),
    DEMO_CLOCK_SPEED: intFromEnv(0, 100_000).default(120),
    DEMO_SCHEDULE: z.string().default('* * * * *'),
  }),
);
const log = createLogger({ name: 'start', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const out = (s: string) => process.stdout.write(s);

// The simulator's world starts anew on every start, so the demo's data does too.
rmSync(cfg.EMBEDDED_DATA_DIR, { recursive: true, force: true });
mkdirSync(join(cfg.EMBEDDED_DATA_DIR, 'logs'), { recursive: true });

const stops: Array<() => Promise<unknown>> = [];
const [clickhouseUrl, redisUrl] = await Promise.all([
  cfg.CLICKHOUSE_URL ??
    startClickHouse({ dataDir: join(cfg.EMBEDDED_DATA_DIR, 'clickhouse') }).then((s) => {
      stops.push(s.stop);
      return s.url;
    }),
  cfg.REDIS_URL ??
    startRedis({ dataDir: join(cfg.EMBEDDED_DATA_DIR, 'redis') }).then((s) => {
      stops.push(s.stop);
      return s.url;
    }),
]);
const sim = await startSimulator({ seed: cfg.SIM_SEED, historyDays: cfg.SIM_HISTORY_DAYS, ordersPerDay: cfg.SIM_ORDERS_PER_DAY });
stops.unshift(() => sim.close());
out(`ClickHouse ${clickhouseUrl}, Redis ${redisUrl}, QTickets simulator ${sim.apiBaseUrl} (${sim.orderIds().length} orders, clock ${sim.now()})\n`);

const ch = { CLICKHOUSE_URL: clickhouseUrl, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'qtickets' };
const admin = createClickHouseAdmin(ch);
const migrated = await new Migrator(admin, { dir: join(ROOT, 'migrations'), database: ch.CLICKHOUSE_DATABASE, log: log.child({}, { level: 'error' }) }).up();
await admin.close();
out(
  `migrations: ${migrated.applied.length} applied${migrated.skipped.length ? `, ${migrated.skipped.length} skipped (no SQL access control on the embedded server)` : ''}\n`,
);

const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  QTP_ENV_FILE: '/dev/null',
  // The demo: the simulator's token and the embedded ClickHouse's passwordless login are expected here.
  QTP_ENV: 'dev',
  LOG_LEVEL: cfg.LOG_LEVEL === 'silent' ? 'info' : cfg.LOG_LEVEL,
  LOG_FORMAT: 'json',
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: 'qtp',
  ...ch,
  QTICKETS_BASE_URL: sim.apiBaseUrl,
  QTICKETS_TOKEN: sim.token,
  QTICKETS_PARTNERS_BASE_URL: sim.partnersBaseUrl,
  QTICKETS_PARTNERS_TOKEN: sim.partnersToken,
  QTICKETS_RPS: '50',
  FETCH_CONCURRENCY: '4',
  PII_HASH_SALT: randomBytes(24).toString('hex'),
  SCHEDULE_ORDERS: cfg.DEMO_SCHEDULE,
  // Many processes on one host: each app's ops server (/healthz, /readyz, /metrics) on a free port.
  METRICS_PORT: '0',
};
let stopping = false;
const children = spawnApps(env, join(cfg.EMBEDDED_DATA_DIR, 'logs'), (app, code) => {
  if (!stopping) {
    out(`${app} exited with code ${code}; see ${join(cfg.EMBEDDED_DATA_DIR, 'logs', `${app}.log`)}\n`);
    void shutdown(1);
  }
});
out(`apps started: ${[...children.keys()].join(', ')} (logs in ${join(cfg.EMBEDDED_DATA_DIR, 'logs')})\n`);
// The CLIs (status, requeue, runs) read this file when REDIS_URL and CLICKHOUSE_URL are not set.
const stackFile = writeEmbeddedStack(cfg.EMBEDDED_DATA_DIR, {
  pid: process.pid,
  REDIS_URL: redisUrl,
  CLICKHOUSE_URL: clickhouseUrl,
  CLICKHOUSE_DATABASE: ch.CLICKHOUSE_DATABASE,
  QUEUE_PREFIX: 'qtp',
});
out(
  operatorCommands({
    stackFile,
    dataDir: cfg.EMBEDDED_DATA_DIR === DEFAULT_EMBEDDED_DIR ? undefined : cfg.EMBEDDED_DATA_DIR,
    redisUrl,
    clickhouseUrl,
    database: ch.CLICKHOUSE_DATABASE,
    once: flags.once ?? false,
  }),
);

const redis = createRedis(redisUrl, 'qtp-start', { log });
const clickhouse = createClickHouse(ch);
const planQueue = createQueue(planRunJob, redis, 'qtp');
await enqueue(planQueue, planRunJob, { stream: 'events', mode: 'reconcile', requestId: `start-${Date.now()}` });
await enqueue(planQueue, planRunJob, { stream: 'orders', mode: 'incremental', requestId: `start-${Date.now()}` });
out('first runs enqueued: events (show days) and the whole order history...\n');

const state = new StateRepository(clickhouse);
const tracker = new RunTracker(redis, 'qtp');
let lastRun = '';
let lastTick = Date.now();
let busy = false;
const timer = setInterval(() => {
  if (busy) return;
  busy = true;
  void tick().finally(() => {
    busy = false;
  });
}, 1_000);

/** Moves the simulator's clock on and prints the summary when a new run has completed. */
async function tick(): Promise<void> {
  const now = Date.now();
  if (cfg.DEMO_CLOCK_SPEED > 0 && lastRun) sim.advance((now - lastTick) * cfg.DEMO_CLOCK_SPEED);
  lastTick = now;
  const st = await state.get('orders').catch(() => null);
  if (!st?.lastRunId || st.lastRunId === lastRun) return;
  lastRun = st.lastRunId;
  const summary = await salesSummary(clickhouse);
  const matches = isDeepStrictEqual(await dashboardByDay(clickhouse), truthByDay(sim.truth()));
  const inFlight = await tracker.lockHolder('orders').catch(() => null);
  out(`\nrun ${st.lastRunId} complete (simulator clock ${sim.now()}); last 14 days from v_qtickets_sales_dashboard:\n${formatSummary(summary)}`);
  out(`${groundTruthLine(matches, { runInFlight: inFlight ?? undefined, clockRunning: cfg.DEMO_CLOCK_SPEED > 0 && !flags.once })}\n`);
  if (flags.once) void shutdown(matches ? 0 : 1);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  removeEmbeddedStack(cfg.EMBEDDED_DATA_DIR);
  await stopApps(children);
  await planQueue.close();
  await closeRedis(redis);
  await clickhouse.close();
  for (const stop of stops) await stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/**
 * `pnpm bench:webhooks`: the time from an order change in the simulator to that change being readable in ClickHouse
 * (the order's row at its new `updated_at` in stg_qtickets_api_orders_raw, and its ticket lines in v_sales_latest),
 * through the webhook receiver and the four apps running as processes with their default settings. Prints p50/p95.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnApps, startClickHouse, startRedis, stopApps } from '@qtp/embedded';
import { fetchJob, planRunJob, RunTracker, STREAM_DEFINITIONS, startWebhookReceiver } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createClickHouseAdmin, createLogger, createQueue, createRedis, enqueue, Migrator } from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';

const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const log = createLogger({ name: 'bench', level: 'silent' });
const SECRET = 'bench-webhook-secret-0123456789';

const dir = mkdtempSync(join(tmpdir(), 'qtp-wh-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
const redisServer = await startRedis({ dataDir: join(dir, 'redis') });
const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'wh' };
try {
  out(`node ${process.version}, ${new Date().toISOString()}`);
  const admin = createClickHouseAdmin(settings);
  await new Migrator(admin, { dir: resolve(import.meta.dirname, '../migrations'), database: 'wh', log }).up();
  await admin.close();
  const sim = await startSimulator({ seed: 4, historyDays: 5, ordersPerDay: 3000, webhookRetryScale: 0.001 });
  const env = {
    PATH: process.env.PATH,
    QTP_ENV_FILE: '/dev/null',
    QTP_ENV: 'dev',
    ...Object.fromEntries(STREAM_DEFINITIONS.flatMap((s) => s.schedules.map((x) => [x.env, '0 0 1 1 *']))),
    ...settings,
    REDIS_URL: redisServer.url,
    QUEUE_PREFIX: 'wh',
    QTICKETS_BASE_URL: sim.apiBaseUrl,
    QTICKETS_TOKEN: sim.token,
    PII_HASH_SALT: 'bench-salt-0123456789abcdef',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const apps = spawnApps(env, dir, (app, code) => code && out(`${app} exited ${code}`));
  const redis = createRedis(redisServer.url, 'bench');
  const planQueue = createQueue(planRunJob, redis, 'wh');
  const fetchQueue = createQueue(fetchJob, redis, 'wh');
  await sleep(1_500);
  // the history first
  const jobId = await enqueue(planQueue, planRunJob, { stream: 'orders', mode: 'reconcile', requestId: 'history' });
  const tracker = new RunTracker(redis, 'wh');
  for (let runId: string | undefined; ; await sleep(250)) {
    runId ??= ((await planQueue.getJob(jobId))?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
    if (runId && (await tracker.info(runId))?.finalized) break;
  }
  const chReceiver = createClickHouse(settings);
  const receiver = await startWebhookReceiver({
    secret: SECRET,
    piiSalt: env.PII_HASH_SALT,
    redis,
    prefix: 'wh',
    clickhouse: chReceiver,
    refetchRetry: { attempts: 8, backoffMs: 2_000 },
    log,
    host: '127.0.0.1',
    port: 0,
  });
  sim.setWebhooks({ url: receiver.url, secret: SECRET });
  const client = createClickHouse(settings);
  const latencies: number[] = [];
  for (let round = 0; round < 150; round++) {
    const seen = sim.webhookLog().length;
    sim.advance(15_000); // changes arrive as they would: a few a minute (a burst drains at QTICKETS_RPS)
    const changes = sim.webhookLog().slice(seen);
    const pending = new Map(changes.map((c) => [c.orderId, c]));
    const deadline = Date.now() + 30_000;
    while (pending.size > 0 && Date.now() < deadline) {
      const ids = [...pending.keys()];
      const rows = await (
        await client.query({
          query: `SELECT o.order_id AS id, toString(o.updated_at) AS updated, l.n AS lines
                  FROM (SELECT order_id, updated_at FROM stg_qtickets_api_orders_raw FINAL WHERE order_id IN {ids:Array(UInt64)}) AS o
                  LEFT JOIN (SELECT order_id, count() AS n FROM v_sales_latest WHERE order_id IN {ids:Array(UInt64)} GROUP BY order_id) AS l
                  ON l.order_id = o.order_id`,
          query_params: { ids },
          format: 'JSONEachRow',
        })
      ).json<{ id: string; updated: string; lines: string }>();
      const now = Date.now();
      for (const r of rows) {
        const c = pending.get(Number(r.id));
        if (c && Date.parse(`${r.updated.replace(' ', 'T')}Z`) >= Date.parse(c.changedAt) && Number(r.lines) > 0) {
          latencies.push(now - c.changedAtWall);
          pending.delete(c.orderId);
        }
      }
      await sleep(25);
    }
    if (pending.size > 0) out(`round ${round}: ${pending.size} changes not visible within 30 s`);
  }
  out(
    `webhooks: ${latencies.length} order changes, change → row in ClickHouse: p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms`,
  );
  sim.setWebhooks(null);
  await receiver.close();
  await chReceiver.close();
  await stopApps(apps, 10_000);
  await Promise.all([planQueue.close(), fetchQueue.close(), client.close()]);
  await closeRedis(redis);
  await sim.close();
} finally {
  await redisServer.stop();
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

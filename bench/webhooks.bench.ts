/**
 * `pnpm bench:webhooks`: the time from an order change in the simulator to that change being readable in ClickHouse
 * (the order's row at its new `updated_at` in stg_qtickets_api_orders_raw, and its ticket lines in v_sales_latest),
 * through the webhook receiver and the four apps running as processes with their default settings (QTICKETS_RPS 5).
 * Three cases side by side: changes paced as on a calm day; a burst of ~450 changes at once (the bodies are used);
 * the same burst with every body unusable (one refetch per change, the old behaviour). Prints p50/p95/max and the
 * order requests each case cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { changeToRow, spawnApps, startClickHouse, startRedis, stopApps } from '@qtp/embedded';
import { fetchJob, planRunJob, RunTracker, STREAM_DEFINITIONS, startWebhookReceiver } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createClickHouseAdmin, createLogger, createQueue, createRedis, enqueue, Migrator } from '@qtp/shared';
import { startSimulator, type WebhookLogEntry } from '@qtp/simulator';

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
  const land = async (changes: WebhookLogEntry[], timeoutMs: number): Promise<number[]> => {
    const { latencies, missing } = await changeToRow(client, changes, { timeoutMs, pollMs: 25 });
    if (missing.length > 0) out(`  ${missing.length} changes not visible within ${timeoutMs / 1000} s`);
    return latencies;
  };
  const figures = (xs: number[]) => `p50 ${pct(xs, 50)} ms, p95 ${pct(xs, 95)} ms, max ${Math.max(...xs)} ms`;
  const orderRequests = () => Object.values(sim.requests().byEndpoint['GET /orders/:id'] ?? {}).reduce((n, v) => n + v, 0);

  // 1. paced: changes arrive as they would on a calm day, a few a minute
  sim.resetRequests();
  const paced: number[] = [];
  for (let round = 0; round < 150; round++) {
    const seen = sim.webhookLog().length;
    sim.advance(15_000);
    for (const x of await land(sim.webhookLog().slice(seen), 30_000)) paced.push(x);
  }
  out(`webhooks, paced: ${paced.length} order changes, change → row in ClickHouse: ${figures(paced)}; GET /orders/{id}: ${orderRequests()}`);

  // 2. a burst (a sale rush, a mass refund, the vendor's retry wave after downtime): the bodies are used
  // 3. the same burst size with every body unusable (fields missing): one refetch per change, at QTICKETS_RPS
  for (const [name, partial] of [
    ['burst', 0],
    ['burst, every body refetched', 1],
  ] as const) {
    sim.setFaults({ webhookPartialBodyRate: partial });
    sim.resetRequests();
    const seen = sim.webhookLog().length;
    sim.advance(100 * 60_000);
    const burst = sim.webhookLog().slice(seen);
    const started = Date.now();
    let deliveredMs = 0;
    const [xs] = await Promise.all([land(burst, 300_000), sim.webhooksIdle().then(() => (deliveredMs = Date.now() - started))]);
    out(`webhooks, ${name}: ${burst.length} changes delivered in ${deliveredMs} ms, change → row: ${figures(xs)}; GET /orders/{id}: ${orderRequests()}`);
  }
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

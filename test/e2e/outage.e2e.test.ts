import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardByDay, freePort, type ServiceHandle, spawnApps, startClickHouse, stopApps, truthByDay } from '@qtp/embedded';
import { planRunJob, QUEUES, RunTracker, STREAM_DEFINITIONS } from '@qtp/pipeline';
import { createClickHouse, createClickHouseAdmin, createLogger, createQueue, enqueue, Migrator } from '@qtp/shared';
import { type Simulator, startSimulator } from '@qtp/simulator';
import { MIGRATIONS_DIR, type TestRedis, testRedis } from '@qtp/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';

/** How long ClickHouse stays down (the figure is 5 minutes: QTP_TEST_OUTAGE_MS=300000 runs exactly that). */
const OUTAGE_MS = Number(process.env.QTP_TEST_OUTAGE_MS ?? 30_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ClickHouse stopped mid-load, with the four apps as real processes', () => {
  let ch: ServiceHandle | undefined;
  let sim: Simulator | undefined;
  let r: TestRedis | undefined;
  let apps: Map<string, ChildProcess> | undefined;
  afterAll(async () => {
    if (apps) await stopApps(apps, 5_000);
    await sim?.close();
    await r?.close();
    await ch?.stop();
  });

  it(`writes pause while it is down (${OUTAGE_MS / 1000} s), resume by themselves, every row lands and no job fails`, {
    timeout: OUTAGE_MS + 240_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qtp-outage-'));
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    ch = await startClickHouse({ dataDir, httpPort, tcpPort });
    const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'outage' };
    const log = createLogger({ name: 'outage-test', level: 'silent' });
    const admin = createClickHouseAdmin(settings);
    await new Migrator(admin, { dir: MIGRATIONS_DIR, database: 'outage', log }).up();
    await admin.close();
    sim = await startSimulator({ seed: 3, historyDays: 40, ordersPerDay: 150, faults: { latencyMs: 30 } });
    r = testRedis('outage');
    const never = '0 0 1 1 *';
    const schedules = Object.fromEntries(STREAM_DEFINITIONS.flatMap((s) => s.schedules.map((x) => [x.env, never])));
    const env = {
      PATH: process.env.PATH,
      QTP_ENV_FILE: '/dev/null',
      QTP_ENV: 'dev',
      ...schedules,
      ...settings,
      REDIS_URL: r.url,
      QUEUE_PREFIX: r.prefix,
      QTICKETS_BASE_URL: sim.apiBaseUrl,
      QTICKETS_TOKEN: sim.token,
      PII_HASH_SALT: 'outage-salt-0123456789abcdef',
      QTICKETS_RPS: '20',
      WRITER_FLUSH_MS: '200',
      WRITER_OUTAGE_RETRY_MS: '1000',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
    };
    const exits: string[] = [];
    apps = spawnApps(env, dataDir, (app, code) => exits.push(`${app} exited ${code}`));

    const planQueue = createQueue(planRunJob, r.redis, r.prefix);
    const jobId = await enqueue(planQueue, planRunJob, { stream: 'orders', mode: 'reconcile', requestId: 'outage' });
    const client = createClickHouse(settings);
    const loaded = async () =>
      Number(
        (await (await client.query({ query: 'SELECT count() AS n FROM stg_qtickets_api_orders_raw', format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n,
      );
    // mid-load: some orders are in, most are not
    for (let i = 0; i < 600 && (await loaded().catch(() => 0)) === 0; i++) await sleep(100);
    expect(await loaded()).toBeLessThan(sim.orderIds().length);
    await ch.stop();
    await sleep(OUTAGE_MS);
    ch = await startClickHouse({ dataDir, httpPort, tcpPort });

    const tracker = new RunTracker(r.redis, r.prefix);
    const runId = ((await planQueue.getJob(jobId))?.returnvalue as { detail?: { runId?: string } } | undefined)?.detail?.runId;
    expect(runId).toBeTruthy();
    const deadline = Date.now() + 180_000;
    while (!(await tracker.info(runId as string))?.finalized && Date.now() < deadline) await sleep(500);
    expect((await tracker.info(runId as string))?.finalized, 'the run finished by itself').toBe(true);
    expect(await dashboardByDay(client)).toEqual(truthByDay(sim.truth()));
    for (const name of Object.values(QUEUES)) {
      const q = new Queue(name, { connection: r.redis, prefix: r.prefix });
      expect(await q.getFailedCount(), `failed ${name} jobs`).toBe(0);
      await q.close();
    }
    // and the outage cost no attempts: every write job succeeded on its first counted attempt
    const writes = new Queue(QUEUES.write, { connection: r.redis, prefix: r.prefix });
    const attempts = (await writes.getCompleted(0, 10_000)).map((j) => j.attemptsMade);
    await writes.close();
    expect(attempts.length).toBeGreaterThan(0);
    expect(Math.max(...attempts), 'attempts spent by a write job').toBeLessThanOrEqual(1);
    expect(exits).toEqual([]);
    await planQueue.close();
    await client.close();
  });
});

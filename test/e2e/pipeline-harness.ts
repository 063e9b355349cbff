import { Writable } from 'node:stream';
import { type DayRow, dashboardByDay as dashboardFromViews, truthByDay as truthFromSimulator } from '@qtp/embedded';
import {
  fetcherEnv,
  planRunJob,
  RunTracker,
  type Stage,
  type StreamName,
  schedulerEnv,
  startFetcher,
  startScheduler,
  startTransformer,
  startWriter,
  transformerEnv,
  writerEnv,
} from '@qtp/pipeline';
import { createPartnersClient, createQTicketsClient, verifyFilter } from '@qtp/qtickets-client';
import { createLogger, enqueue, type Logger, parseConfig } from '@qtp/shared';
import { type Simulator, type SimulatorOptions, startSimulator } from '@qtp/simulator';
import { type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import type { Queue } from 'bullmq';

export type Harness = {
  sim: Simulator;
  ch: TestClickHouse;
  r: TestRedis;
  log: Logger;
  env: Record<string, string>;
  stages: Map<string, Stage>;
  /** Starts (or restarts) one stage in-process. */
  start: (name: 'scheduler' | 'fetcher' | 'transformer' | 'writer', extra?: Record<string, unknown>) => Promise<Stage>;
  stop: (name: string) => Promise<void>;
  /** Triggers one run and waits until the stream's state records it as its last successful run. */
  run: (mode?: 'incremental' | 'reconcile', timeoutMs?: number, stream?: StreamName) => Promise<string>;
  /** Triggers a run and waits until it has failed and released the stream; returns its id. */
  runExpectingFailure: (timeoutMs?: number, stream?: StreamName, mode?: 'incremental' | 'reconcile') => Promise<string>;
  /** Replays a stream from its raw landing (as `pnpm replay` does) and waits until the run is complete. */
  replay: (stream: StreamName, timeoutMs?: number, window?: { from: string; to: string }) => Promise<string>;
  close: () => Promise<void>;
};

export const PII_SALT = 'e2e-salt-0123456789abcdef';

/** `redis`: the connection (and key prefix) the stages share, instead of the run's Redis (e.g. one through Sentinel). */
export async function startHarness(simOptions: SimulatorOptions, logDestination?: Writable, options: { redis?: TestRedis } = {}): Promise<Harness> {
  const sim = await startSimulator(simOptions);
  const ch = await testWarehouse('e2e');
  const r = options.redis ?? testRedis('e2e');
  const log = createLogger({ name: 'e2e', level: logDestination ? 'debug' : 'silent', ...(logDestination ? { destination: logDestination } : {}) });
  const env: Record<string, string> = {
    REDIS_URL: r.url,
    QUEUE_PREFIX: r.prefix,
    CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: ch.database,
    QTICKETS_BASE_URL: sim.apiBaseUrl,
    QTICKETS_TOKEN: sim.token,
    PII_HASH_SALT: PII_SALT,
    QTICKETS_RPS: '100',
    FETCH_CONCURRENCY: '4',
    WRITER_FLUSH_MS: '100',
    LOG_FORMAT: 'json',
  };
  const stages = new Map<string, Stage>();
  // The pipeline's clock follows the simulator's (frozen, moved by advance()) plus real time elapsed, so schedules
  // that depend on "now" (which shows are due) see the simulated world, and run ids stay unique.
  const startedAt = Date.now();
  const now = () => new Date(Date.parse(sim.now()) + (Date.now() - startedAt));
  const start: Harness['start'] = async (name, extra = {}) => {
    await stop(name);
    let s: Stage;
    if (name === 'scheduler')
      s = await startScheduler(parseConfig(schedulerEnv, env), { redis: r.redis, clickhouse: ch.client, log, registerSchedules: false, now });
    else if (name === 'fetcher') {
      const token = typeof extra.token === 'string' ? extra.token : sim.token;
      const api = createQTicketsClient({ baseUrl: sim.apiBaseUrl, token, logger: log, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
      // The partners API only when the env has a key (as apps/fetcher does); `partnersToken` overrides it.
      const partnerKey = typeof extra.partnersToken === 'string' ? extra.partnersToken : env.QTICKETS_PARTNERS_TOKEN;
      const partners = partnerKey
        ? createPartnersClient({ baseUrl: sim.partnersBaseUrl, partnerKey, logger: log, retry: { baseDelayMs: 5, maxDelayMs: 50 } })
        : null;
      s = startFetcher(parseConfig(fetcherEnv, env), { redis: r.redis, log, api, partners, verifyFilter, now });
    } else if (name === 'transformer') s = startTransformer(parseConfig(transformerEnv, env), { redis: r.redis, log, ...extra });
    else s = startWriter(parseConfig(writerEnv, env), { redis: r.redis, clickhouse: ch.client, log, now, ...extra });
    stages.set(name, s);
    return s;
  };
  const stop = async (name: string) => {
    const s = stages.get(name);
    stages.delete(name);
    if (s) await s.close();
  };
  const tracker = new RunTracker(r.redis, r.prefix);
  let seq = 0;
  const trigger = async (mode: 'incremental' | 'reconcile' | 'replay', stream: StreamName = 'orders', window?: { from: string; to: string }) => {
    const scheduler = stages.get('scheduler') as (Stage & { planQueue?: Queue }) | undefined;
    if (!scheduler?.planQueue) throw new Error('scheduler stage not started');
    seq += 1;
    const jobId = await enqueue(scheduler.planQueue, planRunJob, { stream, mode, requestId: `t${seq}`, ...(window ? { window } : {}) });
    return { queue: scheduler.planQueue, jobId, stream };
  };
  /** Polls until `done(runId)`; the run id comes from the plan job's return value. */
  const waitFor = async (t: { queue: Queue; jobId: string; stream: StreamName }, done: (runId: string) => Promise<boolean>, timeoutMs: number) => {
    const { queue, jobId } = t;
    const deadline = Date.now() + timeoutMs;
    let runId: string | null = null;
    while (Date.now() < deadline) {
      if (!runId) {
        const job = await queue.getJob(jobId);
        if (job?.failedReason) throw new Error(`plan job failed: ${job.failedReason}`);
        const out = job?.returnvalue as { status: string; reason?: string; detail?: { runId: string } } | undefined;
        if (out?.status === 'skipped') throw new Error(`plan skipped: ${out.reason}`);
        runId = out?.detail?.runId ?? null;
      } else if ((await done(runId)) && (await tracker.lockHolder(t.stream)) !== runId) {
        return runId;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`run ${runId ?? '(not started)'} did not end in ${timeoutMs} ms: ${JSON.stringify(runId ? await tracker.info(runId) : null)}`);
  };
  const run: Harness['run'] = async (mode = 'incremental', timeoutMs = 120_000, stream = 'orders') => {
    return waitFor(await trigger(mode, stream), async (id) => !!(await tracker.info(id))?.finalized, timeoutMs);
  };
  const runExpectingFailure: Harness['runExpectingFailure'] = async (timeoutMs = 60_000, stream = 'orders', mode = 'incremental') => {
    return waitFor(await trigger(mode, stream), async (id) => (await r.redis.hexists(`${r.prefix}:run:${id}`, 'failed')) === 1, timeoutMs);
  };
  const replay: Harness['replay'] = async (stream, timeoutMs = 120_000, window) => {
    return waitFor(await trigger('replay', stream, window), async (id) => !!(await tracker.info(id))?.finalized, timeoutMs);
  };
  return {
    replay,
    sim,
    ch,
    r,
    log,
    env,
    stages,
    start,
    stop,
    run,
    runExpectingFailure,
    close: async () => {
      for (const name of [...stages.keys()]) await stop(name);
      await sim.close();
      await ch.close();
      await r.close();
    },
  };
}

export async function startAll(h: Harness): Promise<void> {
  for (const name of ['scheduler', 'fetcher', 'transformer', 'writer'] as const) await h.start(name);
}

/** The simulator's ground truth, per day, in the dashboard's shape. */
export const truthByDay = (sim: Simulator): DayRow[] => truthFromSimulator(sim.truth());
export const dashboardByDay = (ch: TestClickHouse): Promise<DayRow[]> => dashboardFromViews(ch.client);

/** Every hash under the test's Redis prefix (job data, run bookkeeping), as one string. */
export async function redisHashes(h: Harness): Promise<string> {
  let out = '';
  for (const k of await h.r.redis.keys(`${h.r.prefix}:*`)) {
    const type = await h.r.redis.type(k);
    if (type === 'hash') out += JSON.stringify(await h.r.redis.hgetall(k));
    // claim checks: a job's records or rows, stored beside it
    else if (type === 'string' && k.includes(':claim:')) out += await h.r.redis.get(k);
  }
  return out;
}

/** Collects log lines (JSON) for assertions. */
export function logCollector(): { sink: Writable; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { sink, text: () => lines.join('') };
}

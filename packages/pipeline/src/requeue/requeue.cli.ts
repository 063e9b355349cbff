import {
  closeRedis,
  createLogger,
  createQueue,
  createRedis,
  embeddedStackDefaults,
  enqueue,
  formatMs,
  loadConfig,
  logEnv,
  parseCli,
  parseDuration,
  redisAddress,
  redisEnv,
  redisReady,
  unknownNames,
  usageError,
  withTimeout,
} from '@qtp/shared';
import { Queue } from 'bullmq';
import { z } from 'zod';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { QUEUES } from '../jobs/queues.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { STREAMS, type StreamName, streamByName } from '../streams/registry.ts';
import { parseWindow } from './requeue-window.ts';

const USAGE = `usage: pnpm requeue <${STREAMS.join('|')}> [--from DATE --to DATE] [--wait [--timeout 30m]] [--no-wait-lock]
  orders --from 2026-10-01 --to 2026-10-07   re-read orders created on those Moscow days (both included); never moves the stream's state
  <stream>                                    a full run of that stream now (orders: a reconciliation walk; checkins: lists
                                              every show in its window and, in the same run, polls its unscanned barcodes
                                              within CHECKINS_MAX_REQUESTS_PER_RUN; partner_tickets: every show)
  --wait                                      wait for the run to finish and print what it loaded (the scheduler must be running)
  --timeout D                                 give up waiting after D (default 30m; connecting to Redis: at most 10s, 1s when refused)
  --no-wait-lock                              if a run of the stream is in progress, do not start after it: the request is
                                              dropped (with --wait: "not started", exit 1); by default it starts once that run ends
exit codes: 0 done (or enqueued), 1 run failed, not started, timed out or Redis unreachable, 2 bad arguments`;

const CONNECT_TIMEOUT_MS = 10_000;
/** Every connection attempt refused for this long (nothing listens there): give up before CONNECT_TIMEOUT_MS. */
const REFUSED_GIVE_UP_MS = 1_000;
/** A queue the run needs with no live worker for this long ends the wait (rather than waiting for the timeout). */
const NO_WORKER_GRACE_MS = 15_000;
const POLL_MS = 500;

const fail = (message: string): never => usageError('requeue', USAGE, message);

const args = parseCli('requeue', USAGE, {
  from: { type: 'string' },
  to: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  'no-wait-lock': { type: 'boolean' },
});
if (args.positionals.length !== 1) fail(args.positionals.length === 0 ? 'name one stream' : 'name only one stream');
const stream = args.positionals[0] as StreamName;
const unknown = unknownNames('stream', [stream], STREAMS);
if (unknown) fail(unknown);
if ((args.values.from === undefined) !== (args.values.to === undefined)) fail('give both --from and --to, or neither');
let window: { from: string; to: string } | undefined;
let timeoutMs = 30 * 60_000;
try {
  window = args.values.from && args.values.to ? parseWindow(args.values.from, args.values.to) : undefined;
  if (args.values.timeout !== undefined) timeoutMs = parseDuration(args.values.timeout, '--timeout');
} catch (err) {
  fail((err as Error).message);
}
if (window && !streamByName(stream).sync.modes.includes('backfill')) fail(`${stream} cannot be backfilled by date (only incremental streams can)`);
if (window && Date.parse(window.from) > Date.now())
  fail(`--from ${args.values.from} is in the future (the window starts ${window.from}): nothing to re-read yet`);
if (timeoutMs <= 0) fail('--timeout must be more than 0');

const cfg = loadConfig(z.object({ ...logEnv, ...redisEnv }), { fallback: embeddedStackDefaults });
const log = createLogger({ name: 'requeue', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
// Connection errors go to the logger at debug level: this command reports an unreachable Redis itself, in one line.
const redis = createRedis(cfg, 'qtp-requeue', { log, errorLevel: 'debug' });
const queue = createQueue(planRunJob, redis, cfg.QUEUE_PREFIX);
const deadline = Date.now() + timeoutMs;
/** Bounds a Redis call by what is left of the time budget. */
const bounded = <T>(p: Promise<T>, what: string): Promise<T> => withTimeout(p, Math.max(1, deadline - Date.now()), what);
try {
  await redisReady(redis, Math.min(timeoutMs, CONNECT_TIMEOUT_MS), `Redis at ${redisAddress(cfg)}`, { refusedForMs: REFUSED_GIVE_UP_MS });
  const jobId = await bounded(
    enqueue(queue, planRunJob, {
      stream,
      mode: window ? 'backfill' : 'reconcile',
      ...(window ? { window } : {}),
      requestId: `cli-${Date.now()}`,
      ...(args.values['no-wait-lock'] ? {} : { waitForLock: true }),
    }),
    'enqueueing the plan job',
  );
  process.stdout.write(`enqueued ${jobId}${window ? ` (orders created ${window.from} .. ${window.to})` : ''}\n`);
  if (args.values.wait) process.exitCode = await waitForRun(jobId);
} catch (err) {
  process.exitCode = report(`requeue: ${(err as Error).message}`, 1);
} finally {
  // A queue on a connection that never came up would wait for it to close.
  if (redis.status === 'ready') await withTimeout(queue.close(), 2_000, 'closing').catch(() => {});
  await closeRedis(redis);
  // Everything is closed; ioredis keeps a refused socket around for 2 s before destroying it.
  process.exit(process.exitCode ?? 0);
}

/** Follows the plan job to its run, then the run to its end, within the time budget. */
async function waitForRun(jobId: string): Promise<number> {
  const watch = workerWatch();
  try {
    return await follow(jobId, watch);
  } finally {
    await withTimeout(watch.close(), 2_000, 'closing').catch(() => {});
  }
}

async function follow(jobId: string, watch: ReturnType<typeof workerWatch>): Promise<number> {
  const tracker = new RunTracker(redis, cfg.QUEUE_PREFIX);
  let runId: string | undefined;
  let waitingFor: string | undefined;
  for (;;) {
    if (Date.now() >= deadline) {
      const missing = await withTimeout(watch.missing(runId ? [QUEUES.fetch, QUEUES.transform, QUEUES.write] : [QUEUES.plan]), 2_000, 'workers').catch(
        () => [],
      );
      const why = missing.length ? `; ${describeMissing(missing)}` : '';
      return report(
        runId
          ? `requeue: run ${runId} not finished after ${formatMs(timeoutMs)} (--timeout)${why}; it goes on without this command`
          : `requeue: plan job ${jobId} not started after ${formatMs(timeoutMs)} (--timeout)${why}; it stays queued`,
        1,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
    if (!runId) {
      const job = await bounded(queue.getJob(jobId), 'reading the plan job').catch(() => undefined);
      const out = job?.returnvalue as { status?: string; reason?: string; detail?: { runId?: string } } | undefined;
      if (job?.failedReason) return report(`requeue: plan failed: ${job.failedReason}`, 1);
      if (out?.status === 'skipped') return report(`requeue: not started: ${out.reason}`, 1);
      runId = out?.detail?.runId;
      const holder = (job?.progress as { waitingFor?: string } | undefined)?.waitingFor;
      if (!runId && holder && holder !== waitingFor) {
        waitingFor = holder;
        process.stdout.write(`run ${holder} of ${stream} is in progress: this one starts once it ends\n`);
      }
      if (!runId) {
        const stuck = await watch.stuck([QUEUES.plan]);
        if (stuck) return report(`requeue: plan job ${jobId} not started: ${describeMissing(stuck)}; it stays queued`, 1);
      }
      continue;
    }
    const info = await bounded(tracker.info(runId), 'reading the run').catch(() => null);
    const failed = await bounded(redis.hget(`${cfg.QUEUE_PREFIX}:run:${runId}`, 'failed'), 'reading the run').catch(() => null);
    if (failed) return report(`requeue: run ${runId} failed: ${failed}`, 1);
    if (info?.finalized && (await bounded(tracker.lockHolder(info.lock), 'reading the run lock').catch(() => runId)) !== runId) {
      log.debug({ info }, 'run finished');
      return report(
        `run ${runId} done: ${info.done} pages, ${info.fetched} records, ${info.valid} valid, ${info.quarantined} quarantined, ${info.written} rows written`,
        0,
      );
    }
    const stuck = await watch.stuck([QUEUES.fetch, QUEUES.transform, QUEUES.write]);
    if (stuck) return report(`requeue: run ${runId} cannot advance: ${describeMissing(stuck)}; it goes on when one starts`, 1);
  }
}

/** Which of the queues a run needs have had no live worker for NO_WORKER_GRACE_MS (checked every few seconds). */
function workerWatch() {
  const queues = new Map<string, Queue>(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix: cfg.QUEUE_PREFIX })]));
  for (const q of queues.values()) q.on('error', () => {});
  const since = new Map<string, number>();
  let lastCheck = 0;
  const missing = async (names: readonly string[]) => {
    const counts = await Promise.all(names.map((n) => (queues.get(n) as Queue).getWorkersCount()));
    return names.filter((_, i) => counts[i] === 0);
  };
  return {
    missing,
    /** The queues (of `names`) without a worker for the whole grace period, or undefined. */
    stuck: async (names: readonly string[]): Promise<string[] | undefined> => {
      if (Date.now() - lastCheck < 2_500) return undefined;
      lastCheck = Date.now();
      const now = Date.now();
      const none: string[] = await bounded(missing(names), 'counting workers').catch(() => []);
      for (const n of names) {
        if (!none.includes(n)) since.delete(n);
        else if (!since.has(n)) since.set(n, now);
      }
      const stuck = names.filter((n) => now - (since.get(n) ?? now) >= NO_WORKER_GRACE_MS);
      return stuck.length ? stuck : undefined;
    },
    close: () => Promise.all([...queues.values()].map((q) => q.close())),
  };
}

function describeMissing(queues: string[]): string {
  const stage: Record<string, string> = { plan: 'scheduler', fetch: 'fetcher', transform: 'transformer', write: 'writer' };
  return `no live worker on the ${queues.join(', ')} queue${queues.length > 1 ? 's' : ''} (is the ${queues.map((q) => stage[q] ?? q).join(', ')} running?)`;
}

function report(line: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  return code;
}

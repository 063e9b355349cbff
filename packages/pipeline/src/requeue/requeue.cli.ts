import {
  closeRedis,
  createLogger,
  createQueue,
  createRedis,
  embeddedStackDefaults,
  enqueue,
  loadConfig,
  logEnv,
  redisAddress,
  redisEnv,
  redisReady,
  usageError,
  withTimeout,
} from '@qtp/shared';
import { z } from 'zod';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { QUEUES } from '../jobs/queues.ts';
import { STREAMS, streamByName } from '../streams/registry.ts';
import { followRun, report } from './follow-run.ts';
import { parseRunCliArgs } from './run-cli-args.ts';

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

const fail = (message: string): never => usageError('requeue', USAGE, message);

const { stream, window, wait, timeoutMs, from, noWaitLock } = parseRunCliArgs('requeue', USAGE, { noWaitLock: true });
if (window && !streamByName(stream).sync.modes.includes('backfill')) fail(`${stream} cannot be backfilled by date (only incremental streams can)`);
if (window && Date.parse(window.from) > Date.now()) fail(`--from ${from} is in the future (the window starts ${window.from}): nothing to re-read yet`);

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
      ...(noWaitLock ? {} : { waitForLock: true }),
    }),
    'enqueueing the plan job',
  );
  process.stdout.write(`enqueued ${jobId}${window ? ` (orders created ${window.from} .. ${window.to})` : ''}\n`);
  if (wait)
    process.exitCode = await followRun(jobId, {
      command: 'requeue',
      stream,
      redis,
      prefix: cfg.QUEUE_PREFIX,
      planQueue: queue,
      runQueues: [QUEUES.fetch, QUEUES.transform, QUEUES.write],
      deadline,
      timeoutMs,
      log,
    });
} catch (err) {
  process.exitCode = report(`requeue: ${(err as Error).message}`, 1);
} finally {
  // A queue on a connection that never came up would wait for it to close.
  if (redis.status === 'ready') await withTimeout(queue.close(), 2_000, 'closing').catch(() => {});
  await closeRedis(redis);
  // Everything is closed; ioredis keeps a refused socket around for 2 s before destroying it.
  process.exit(process.exitCode ?? 0);
}

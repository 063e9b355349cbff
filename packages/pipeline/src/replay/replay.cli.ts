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
  withTimeout,
} from '@qtp/shared';
import { z } from 'zod';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { QUEUES } from '../jobs/queues.ts';
import { followRun, report } from '../requeue/follow-run.ts';
import { parseRunCliArgs } from '../requeue/run-cli-args.ts';
import { STREAMS } from '../streams/registry.ts';

const USAGE = `usage: pnpm replay <${STREAMS.join('|')}> [--from DATE --to DATE] [--wait [--timeout 30m]]
  <stream>                    re-derive the stream's tables from its raw landing (raw_qtickets_<stream>) through the
                              same transforms and writer: no API request, the stream's state untouched
  --from 2026-10-01 --to 2026-10-07
                              only record versions (orders: updated_at; others: fetch time) of those Moscow days
                              (both included), or ISO instants with an offset (end excluded)
  --wait                      wait for the replay to finish, printing progress (the scheduler, a transformer and a
                              writer must be running)
  --timeout D                 give up waiting after D (default 30m; connecting to Redis: at most 10s)
exit codes: 0 done (or enqueued), 1 replay failed, not started, timed out or Redis unreachable, 2 bad arguments`;

const CONNECT_TIMEOUT_MS = 10_000;

const { stream, window, wait, timeoutMs } = parseRunCliArgs('replay', USAGE);

const cfg = loadConfig(z.object({ ...logEnv, ...redisEnv }), { fallback: embeddedStackDefaults });
const log = createLogger({ name: 'replay', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
// Connection errors go to the logger at debug level: this command reports an unreachable Redis itself, in one line.
const redis = createRedis(cfg, 'qtp-replay', { log, errorLevel: 'debug' });
const queue = createQueue(planRunJob, redis, cfg.QUEUE_PREFIX);
const deadline = Date.now() + timeoutMs;
try {
  await redisReady(redis, Math.min(timeoutMs, CONNECT_TIMEOUT_MS), `Redis at ${redisAddress(cfg)}`, { refusedForMs: 1_000 });
  const jobId = await withTimeout(
    enqueue(queue, planRunJob, { stream, mode: 'replay', ...(window ? { window } : {}), requestId: `cli-${Date.now()}` }),
    Math.max(1, deadline - Date.now()),
    'enqueueing the plan job',
  );
  process.stdout.write(`enqueued ${jobId}${window ? ` (record versions ${window.from} .. ${window.to})` : ''}\n`);
  if (wait)
    process.exitCode = await followRun(jobId, {
      command: 'replay',
      redis,
      prefix: cfg.QUEUE_PREFIX,
      planQueue: queue,
      runQueues: [QUEUES.replay, QUEUES.transform, QUEUES.write],
      deadline,
      timeoutMs,
      log,
      progress: (info) =>
        process.stdout.write(
          `replay ${info.runId}: ${info.done}/${info.expected} slices written, ${info.fetched} of ${info.total} records, ${info.written} rows\n`,
        ),
    });
} catch (err) {
  process.exitCode = report(`replay: ${(err as Error).message}`, 1);
} finally {
  // A queue on a connection that never came up would wait for it to close.
  if (redis.status === 'ready') await withTimeout(queue.close(), 2_000, 'closing').catch(() => {});
  await closeRedis(redis);
  process.exit(process.exitCode ?? 0);
}

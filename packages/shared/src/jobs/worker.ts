import { type Job, Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { closeRedis, duplicateRedis, isConnectionError, reportRedisError } from '../connections/redis.ts';
import type { Logger } from '../logging/logger.ts';
import { dropClaim, loadClaim, registerQueueConnection } from './claim-check.ts';
import { type JobDefinition, PayloadError, parsePayload } from './job-definition.ts';

/** What a handler reports for expected cases instead of throwing. Errors that should retry are thrown. */
export type JobOutcome = { status: 'ok'; detail?: Record<string, unknown> } | { status: 'skipped'; reason: string };

/** `token`: the worker's lock on the job (what BullMQ needs to move an active job, e.g. back to delayed). */
export type JobContext = { job: Job; log: Logger; token?: string };

export type JobHandler<S extends z.ZodType> = (payload: z.output<S>, ctx: JobContext) => Promise<JobOutcome>;

export type WorkerSettings = {
  /** Shared connection; the worker duplicates it (a worker needs a blocking connection of its own). */
  connection: Redis;
  prefix: string;
  logger: Logger;
  concurrency?: number;
  limiter?: WorkerOptions['limiter'];
  /** Extra BullMQ options (e.g. lockDuration for long jobs). */
  options?: Partial<WorkerOptions>;
};

export function createQueue(def: JobDefinition, connection: Redis, prefix: string): Queue {
  const queue = new Queue(def.queue, { connection, prefix });
  registerQueueConnection(queue, connection);
  // BullMQ re-emits its connection's errors on the queue; unheard, they would go to console.error.
  queue.on('error', (err) => reportRedisError(connection, err, `queue ${def.queue}`));
  return queue;
}

/**
 * A BullMQ worker for one definition: validates every payload (an invalid one fails at once, unretried),
 * logs through a child logger carrying the job id and queue, and records the handler's outcome as the
 * job's return value.
 */
export function startWorker<S extends z.ZodType>(def: JobDefinition<S>, handler: JobHandler<S>, settings: WorkerSettings): Worker {
  const log = settings.logger.child({ queue: def.queue });
  // A worker blocks on its connection, so it gets its own; it is closed with the worker.
  const connection = duplicateRedis(settings.connection);
  const worker = new Worker(
    def.queue,
    async (job: Job, token?: string) => {
      const jobLog = log.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
      let payload: z.output<S>;
      try {
        if (def.claimCheck) {
          // The claimed field was validated when enqueued; the envelope is checked here.
          // (Job data without a claim, e.g. added before claim checks, is validated whole.)
          const { envelope, bulk } = await loadClaim(settings.connection, def.claimCheck, job.data);
          payload =
            bulk === undefined
              ? parsePayload(def, job.data)
              : ({ ...(parsePayload(def, envelope, def.processSchema) as object), [def.claimCheck.field]: bulk } as z.output<S>);
        } else payload = parsePayload(def, job.data);
      } catch (err) {
        if (err instanceof PayloadError) throw new UnrecoverableError(err.message);
        throw err;
      }
      const outcome = await handler(payload, { job, log: jobLog, ...(token ? { token } : {}) });
      if (outcome.status === 'skipped') jobLog.info({ reason: outcome.reason }, 'job skipped');
      return outcome;
    },
    {
      connection,
      prefix: settings.prefix,
      concurrency: settings.concurrency ?? 1,
      ...(settings.limiter ? { limiter: settings.limiter } : {}),
      ...settings.options,
    },
  );
  if (def.claimCheck) {
    worker.on('completed', (job) => {
      dropClaim(settings.connection, job).catch((err: Error) => log.warn({ jobId: job.id, err: err.message }, 'could not drop a claim; it expires'));
    });
  }
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err }, 'job failed');
  });
  worker.on('error', (err) => {
    if (isConnectionError(err)) reportRedisError(connection, err, `worker ${def.queue}`);
    else log.error({ err }, 'worker error');
  });
  worker.on('closed', () => void closeRedis(connection));
  return worker;
}

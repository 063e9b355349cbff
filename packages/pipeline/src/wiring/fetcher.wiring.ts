import { isQTicketsError } from '@qtp/qtickets-client';
import { createQueue, type JobOutcome, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import { UnrecoverableError } from 'bullmq';
import type { FilterVerifier, PartnersApi, QTicketsApi } from '../common/api.port.ts';
import type { FetcherConfig } from '../config/env.ts';
import { handleDiscover } from '../handlers/discover.handler.ts';
import { handleFetchItem } from '../handlers/fetch-item.handler.ts';
import { handleFetchPage } from '../handlers/fetch-page.handler.ts';
import { type FetchPayload, fetchJob } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { RunStages } from '../state/run-stages.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { type Stage, stage } from './stage.ts';

export type FetcherDeps = {
  redis: RedisConnection;
  log: Logger;
  api: QTicketsApi;
  /** The Partners API client when QTICKETS_PARTNERS_TOKEN is set; partner streams fail their runs without it. */
  partners?: PartnersApi | null;
  verifyFilter: FilterVerifier;
  now?: () => Date;
};

/** Pages through the API. The queue's limiter is global: every fetcher replica together stays under QTICKETS_RPS. */
export function startFetcher(cfg: FetcherConfig, deps: FetcherDeps): Stage {
  const prefix = cfg.QUEUE_PREFIX;
  const fetchQueue = createQueue(fetchJob, deps.redis, prefix);
  const transformQueue = createQueue(transformJob, deps.redis, prefix);
  const tracker = new RunTracker(deps.redis, prefix);
  const unitRetry = { attempts: cfg.FETCH_ATTEMPTS, backoffMs: cfg.FETCH_BACKOFF_MS };
  const common = { api: deps.api, verifyFilter: deps.verifyFilter, tracker, stages: new RunStages(deps.redis, prefix), fetchQueue, unitRetry };
  const pageDeps = { ...common, partners: deps.partners ?? null, transformQueue, piiSalt: cfg.PII_HASH_SALT, ...(deps.now ? { now: deps.now } : {}) };
  const handle = async (p: FetchPayload, log: Logger): Promise<JobOutcome> => {
    if (p.kind === 'discover') return handleDiscover(p, common, log);
    // A unit of a run that already failed (e.g. a rejected key): no request, the run is over and the next covers it.
    if (await tracker.hasFailed(p.runId)) return { status: 'skipped', reason: `run ${p.runId} already failed` };
    return p.kind === 'page' ? handleFetchPage(p, pageDeps, log) : handleFetchItem(p, pageDeps, log);
  };
  // A webhook change's refetch is a run of its own (one order): its failure is recorded (meta_job_runs, with the
  // order id and the reason) and stays with that order, which the re-walk and the next runs cover; later changes go on.
  const failRun = (p: FetchPayload, reason: string) => {
    const change = p.kind === 'item' && p.receivedAtMs !== undefined;
    if (!change) return tracker.fail(p.runId, p.stream, reason);
    const what = `webhook refetch of ${p.stream} ${Object.values(p.parent).join(',')} (change ${p.key})`;
    return tracker.fail(p.runId, p.stream, `${what}: ${reason}`, { mode: 'webhook', startedAt: new Date(p.receivedAtMs ?? 0).toISOString() });
  };
  const worker = startWorker(
    fetchJob,
    (p, { log }) =>
      permanentFailsAtOnce(
        () => handle(p, log),
        (reason) => failRun(p, reason),
      ),
    {
      connection: deps.redis,
      prefix,
      logger: deps.log,
      concurrency: cfg.FETCH_CONCURRENCY,
      limiter: { max: cfg.QTICKETS_RPS, duration: 1_000 },
    },
  );
  // A unit whose transient errors outlived every retry fails its run at once: the lock is freed, the run is recorded
  // as failed (the scheduler sweeps it into meta_job_runs), the state stays, and the next scheduled run starts over.
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const p = job.data as FetchPayload;
    void failRun(p, `${job.id} failed after ${job.attemptsMade} attempts: ${err.message}`).catch((e: Error) =>
      deps.log.error({ err: e.message, runId: p.runId }, 'could not record the failed run'),
    );
  });
  return stage('fetcher', [worker], [fetchQueue, transformQueue]);
}

/**
 * The client already retried what can succeed later (network, 429, 5xx). What it calls permanent (bad token,
 * unknown route, bad request, not found) fails the job at once instead of burning BullMQ retries; so does an
 * UnrecoverableError of our own (e.g. a partner stream on a fetcher without a partner key).
 */
async function permanentFailsAtOnce<T>(fn: () => Promise<T>, failRun: (reason: string) => Promise<void>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isQTicketsError(err) && !err.retryable) {
      const reason = `${err.kind}: ${err.message}`;
      await failRun(reason);
      throw new UnrecoverableError(reason);
    }
    if (err instanceof UnrecoverableError) await failRun(err.message);
    throw err;
  }
}

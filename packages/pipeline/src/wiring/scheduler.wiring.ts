import { type ClickHouseClient, createQueue, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import { DelayedError } from 'bullmq';
import type { SchedulerConfig } from '../config/env.ts';
import { handlePlanRun, recordFailedRuns } from '../handlers/plan-run.handler.ts';
import { fetchJob } from '../jobs/fetch.job.ts';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { replaySliceJob } from '../jobs/replay.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { handleReplaySlice } from '../replay/replay-slice.handler.ts';
import { RunStages } from '../state/run-stages.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { RunsRepository } from '../state/runs.repository.ts';
import { ScheduledSince } from '../state/scheduled-since.ts';
import { StateRepository } from '../state/state.repository.ts';
import { STREAM_DEFINITIONS } from '../streams/registry.ts';
import { type Stage, stage } from './stage.ts';

export type SchedulerDeps = {
  redis: RedisConnection;
  clickhouse: ClickHouseClient;
  log: Logger;
  now?: () => Date;
  registerSchedules?: boolean;
  /** How often failed runs reported by fetchers are recorded in meta_job_runs. */
  failedSweepMs?: number;
  /** How often a re-queue waiting for a running run of its stream tries again. */
  lockPollMs?: number;
};

/**
 * The only process that registers job schedulers (fixed ids, cron patterns from each stream's settings), once at
 * start; it also processes the plan jobs they produce, reading each stream's durable state from ClickHouse.
 */
export async function startScheduler(cfg: SchedulerConfig, deps: SchedulerDeps): Promise<Stage & { planQueue: ReturnType<typeof createQueue> }> {
  const prefix = cfg.QUEUE_PREFIX;
  const planQueue = createQueue(planRunJob, deps.redis, prefix);
  const fetchQueue = createQueue(fetchJob, deps.redis, prefix);
  const replayQueue = createQueue(replaySliceJob, deps.redis, prefix);
  const transformQueue = createQueue(transformJob, deps.redis, prefix);
  if (deps.registerSchedules !== false) {
    const since = new ScheduledSince(deps.redis, prefix);
    for (const stream of STREAM_DEFINITIONS) {
      const disabled = stream.disabledReason?.(cfg) ?? null;
      if (disabled !== null) {
        // Also drops schedulers registered while it was enabled (they live in Redis).
        for (const s of stream.schedules) await planQueue.removeJobScheduler(s.id);
        await since.forget(stream.name);
        deps.log.info({ stream: stream.name }, `stream ${stream.name} is disabled: ${disabled}; no job schedulers registered`);
        continue;
      }
      for (const s of stream.schedules) {
        const pattern = String(cfg[s.env] ?? s.pattern);
        await planQueue.upsertJobScheduler(
          s.id,
          { pattern, tz: cfg.SCHEDULE_TZ },
          { name: planRunJob.queue, data: { stream: stream.name, mode: s.mode }, opts: { attempts: 3, removeOnComplete: 100, removeOnFail: 500 } },
        );
        deps.log.info({ scheduler: s.id, pattern, tz: cfg.SCHEDULE_TZ }, 'job scheduler registered');
      }
      // Freshness of a stream that never succeeded counts from its first due run after this (pnpm status, metrics).
      await since.record(stream.name, deps.now?.() ?? new Date());
    }
  }
  const tracker = new RunTracker(deps.redis, prefix);
  const runs = new RunsRepository(deps.clickhouse);
  const planDeps = {
    state: new StateRepository(deps.clickhouse),
    tracker,
    stages: new RunStages(deps.redis, prefix),
    runs,
    clickhouse: deps.clickhouse,
    fetchQueue,
    replayQueue,
    replaySliceRecords: cfg.REPLAY_SLICE_RECORDS,
    config: cfg,
    runTimeoutMs: cfg.RUN_TIMEOUT,
    ...(deps.now ? { now: deps.now } : {}),
  };
  const lockPollMs = deps.lockPollMs ?? 2_000;
  const worker = startWorker(
    planRunJob,
    (p, { job, token, log }) =>
      handlePlanRun(p, planDeps, log, async (holder) => {
        // Back to delayed without spending an attempt; the re-queue CLI reads whom it waits for from the progress.
        await job.updateProgress({ waitingFor: holder });
        await job.moveToDelayed(Date.now() + lockPollMs, token);
        throw new DelayedError();
      }),
    { connection: deps.redis, prefix, logger: deps.log },
  );
  // Replay slices: read from the raw landing here (the scheduler has ClickHouse), transformed and written by the
  // transformer and writer replicas like fetched pages.
  const sliceDeps = { clickhouse: deps.clickhouse, transformQueue, tracker, maxQueued: cfg.REPLAY_MAX_QUEUED, ...(deps.now ? { now: deps.now } : {}) };
  const replayWorker = startWorker(replaySliceJob, (p, { log }) => handleReplaySlice(p, sliceDeps, log), {
    connection: deps.redis,
    prefix,
    logger: deps.log,
    concurrency: 2,
  });
  replayWorker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const p = job.data as { runId: string; stream: string };
    void tracker
      .fail(p.runId, p.stream, `${job.id} failed after ${job.attemptsMade} attempts: ${err.message}`)
      .catch((e: Error) => deps.log.error({ err: e.message, runId: p.runId }, 'could not record the failed replay'));
  });
  const sweep = setInterval(() => {
    void (async () => {
      for (const s of STREAM_DEFINITIONS) await recordFailedRuns(s.name, { tracker, runs }, deps.log);
    })().catch((err: Error) => deps.log.warn({ err: err.message }, 'recording failed runs did not succeed; retrying at the next sweep'));
  }, deps.failedSweepMs ?? 5_000);
  sweep.unref();
  return {
    ...stage('scheduler', [worker, replayWorker], [planQueue, fetchQueue, replayQueue, transformQueue], [async () => clearInterval(sweep)]),
    planQueue,
  };
}

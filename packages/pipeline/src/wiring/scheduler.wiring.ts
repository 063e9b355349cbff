import { type ClickHouseClient, createQueue, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import type { SchedulerConfig } from '../config/env.ts';
import { handlePlanRun } from '../handlers/plan-run.handler.ts';
import { fetchJob } from '../jobs/fetch.job.ts';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { RunsRepository } from '../state/runs.repository.ts';
import { StateRepository } from '../state/state.repository.ts';
import { type Stage, stage } from './stage.ts';

export type SchedulerDeps = { redis: RedisConnection; clickhouse: ClickHouseClient; log: Logger; now?: () => Date; registerSchedules?: boolean };

/**
 * The only process that registers job schedulers (fixed ids, cron patterns from config), once at start; it also
 * processes the plan jobs they produce, reading each stream's durable state from ClickHouse.
 */
export async function startScheduler(cfg: SchedulerConfig, deps: SchedulerDeps): Promise<Stage & { planQueue: ReturnType<typeof createQueue> }> {
  const prefix = cfg.QUEUE_PREFIX;
  const planQueue = createQueue(planRunJob, deps.redis, prefix);
  const fetchQueue = createQueue(fetchJob, deps.redis, prefix);
  if (deps.registerSchedules !== false) {
    const schedules = [
      { id: 'orders-incremental', pattern: cfg.SCHEDULE_ORDERS, data: { stream: 'orders', mode: 'incremental' } },
      { id: 'orders-reconcile', pattern: cfg.SCHEDULE_ORDERS_RECONCILE, data: { stream: 'orders', mode: 'reconcile' } },
      { id: 'events-refresh', pattern: cfg.SCHEDULE_EVENTS, data: { stream: 'events', mode: 'reconcile' } },
    ] as const;
    for (const s of schedules) {
      await planQueue.upsertJobScheduler(
        s.id,
        { pattern: s.pattern, tz: cfg.SCHEDULE_TZ },
        { name: planRunJob.queue, data: s.data, opts: { attempts: 3, removeOnComplete: 100, removeOnFail: 500 } },
      );
      deps.log.info({ scheduler: s.id, pattern: s.pattern, tz: cfg.SCHEDULE_TZ }, 'job scheduler registered');
    }
  }
  const planDeps = {
    state: new StateRepository(deps.clickhouse),
    tracker: new RunTracker(deps.redis, prefix),
    runs: new RunsRepository(deps.clickhouse),
    fetchQueue,
    lookbackMs: cfg.LOOKBACK_ORDERS,
    runTimeoutMs: cfg.RUN_TIMEOUT,
    ...(deps.now ? { now: deps.now } : {}),
  };
  const worker = startWorker(planRunJob, (p, { log }) => handlePlanRun(p, planDeps, log), { connection: deps.redis, prefix, logger: deps.log });
  return { ...stage('scheduler', [worker], [planQueue, fetchQueue]), planQueue };
}

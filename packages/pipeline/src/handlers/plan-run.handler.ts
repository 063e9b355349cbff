import { type ClickHouseClient, enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import { fetchJob } from '../jobs/fetch.job.ts';
import type { planRunJob } from '../jobs/plan-run.job.ts';
import { planReplay } from '../replay/replay-plan.ts';
import type { RunStages } from '../state/run-stages.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import type { RunsRepository } from '../state/runs.repository.ts';
import type { StateRepository } from '../state/state.repository.ts';
import { streamByName } from '../streams/registry.ts';
import type { StagedPlan } from '../streams/stream.ts';
import { itemPayloads } from './fan-out.ts';

export type PlanDeps = {
  state: StateRepository;
  tracker: RunTracker;
  stages: RunStages;
  runs: RunsRepository;
  clickhouse: ClickHouseClient;
  fetchQueue: Queue;
  /** Replay runs: where their slices are enqueued, and how many raw records one slice holds. */
  replayQueue?: Queue;
  replaySliceRecords?: number;
  /** The scheduler's settings; each stream's sync strategy reads its own (e.g. LOOKBACK_ORDERS). */
  config: Record<string, unknown>;
  /** A run holding the lock longer than this is considered dead and a new one may start. */
  runTimeoutMs: number;
  now?: () => Date;
};

const RUN_ID_MODE: Record<string, string> = { incremental: 'inc', backfill: 'bf', replay: 'rep' };
export const runIdFor = (stream: string, mode: string, at: Date) =>
  `${stream}-${RUN_ID_MODE[mode] ?? 'rec'}-${at.toISOString().replace(/[-:]/g, '').replace('.', '')}`;

/**
 * Starts a run from the stream's durable state, unless one is already in flight: then the plan is skipped, or, for a
 * plan with `waitForLock` (a manual re-queue), `waitForLock` is called with the running run (it puts the job back to
 * try again shortly, and never returns).
 */
export async function handlePlanRun(
  p: z.output<typeof planRunJob.schema>,
  deps: PlanDeps,
  log: Logger,
  waitForLock?: (holder: string) => Promise<never>,
): Promise<JobOutcome> {
  const now = deps.now?.() ?? new Date();
  const stream = streamByName(p.stream);
  // A replay reads no API: it runs for a stream its settings switch off too (e.g. partner tickets without a key).
  const disabled = p.mode === 'replay' ? null : (stream.disabledReason?.(deps.config) ?? null);
  if (disabled !== null) {
    log.info({ stream: p.stream, mode: p.mode }, `stream ${p.stream} is disabled: ${disabled}; run skipped`);
    return { status: 'skipped', reason: `${p.stream} is disabled: ${disabled}` };
  }
  await recordFailedRuns(p.stream, deps, log);
  const runId = runIdFor(p.stream, p.mode, now);
  // Backfills and replays run in lanes of their own: one at a time, alongside the incremental runs (writes are
  // idempotent, and a replay never moves the stream's state).
  const lock = p.mode === 'backfill' || p.mode === 'replay' ? `${p.stream}-${p.mode}` : p.stream;
  if (!(await deps.tracker.lock(lock, runId, deps.runTimeoutMs))) {
    const holder = await deps.tracker.lockHolder(lock);
    if (p.waitForLock && waitForLock && holder !== null) {
      log.info({ stream: p.stream, holder }, 'a run of the stream is in progress: this re-queue starts once it ends');
      return waitForLock(holder);
    }
    return { status: 'skipped', reason: `run ${holder ?? '?'} of ${p.stream} still in progress` };
  }
  try {
    await recordAbandoned(lock, deps, now, log);
    if (p.mode === 'replay') return await planReplay({ runId, stream, lock, window: p.window ?? null, now }, deps, log);
    const state = await deps.state.get(p.stream);
    const ctx = { stream: p.stream, mode: p.mode, state, clickhouse: deps.clickhouse, config: deps.config, now };
    const staged = stream.sync.stage ? await stream.sync.stage(ctx) : null;
    const params = staged ? await stagePlan(runId, p.stream, staged, deps) : await stream.sync.prepare(ctx);
    await deps.tracker.start(runId, p.stream, p.mode, now.toISOString(), lock, p.window ?? null);
    const info = await deps.tracker.info(runId);
    if (!info) throw new Error(`run ${runId} vanished from Redis as it started`);
    if (params === null) {
      // Nothing is due (e.g. no show needs a snapshot now): an empty run that succeeded.
      await deps.state.put(stream.sync.advance(state, info, now));
      await deps.runs.record(info, 'ok', '', now.toISOString());
      await deps.tracker.claimFinalize(runId);
      await deps.tracker.unlock(lock, runId);
      log.info({ runId }, 'nothing due: empty run recorded');
      return { status: 'ok', detail: { runId, empty: true } };
    }
    await deps.runs.record(info, 'running');
    await enqueue(deps.fetchQueue, fetchJob, { kind: 'discover', runId, stream: p.stream, mode: p.mode, params, ...(p.window ? { window: p.window } : {}) });
    log.info({ runId, highWaterId: state.highWaterId, watermark: state.watermark, params }, 'run started');
    return { status: 'ok', detail: { runId } };
  } catch (err) {
    await deps.tracker.unlock(lock, runId);
    throw err;
  }
}

/**
 * A per-parent plan goes to Redis (in slices, sealed), never into the discover job: its params only name the stage.
 * Null when nothing is due. The run's follow-ups may spend what the plan left of its budget.
 */
async function stagePlan(runId: string, stream: string, plan: StagedPlan, deps: PlanDeps): Promise<Record<string, unknown> | null> {
  if (plan.items.length === 0) return null;
  await deps.stages.write(runId, 'plan', itemPayloads(runId, stream, plan.items));
  const n = await deps.stages.seal(runId, 'plan', false);
  if (plan.budget !== undefined) await deps.stages.setBudget(runId, plan.budget - n);
  return { staged: 'plan', units: n };
}

/** Failed runs the fetcher reported (it has no ClickHouse connection) go to meta_job_runs. */
export async function recordFailedRuns(stream: string, deps: Pick<PlanDeps, 'tracker' | 'runs' | 'now'>, log: Logger): Promise<number> {
  const failed = await deps.tracker.takeFailed(stream);
  for (const { info, reason } of failed) {
    await deps.runs.record(info, 'failed', reason, (deps.now?.() ?? new Date()).toISOString());
    log.error({ runId: info.runId, reason }, 'run failed; the next run covers its ground again');
  }
  return failed.length;
}

/** The lock's previous run neither finished nor failed: it died (its lock expired after RUN_TIMEOUT). */
async function recordAbandoned(lock: string, deps: PlanDeps, now: Date, log: Logger): Promise<void> {
  const previous = await deps.tracker.lastRun(lock);
  if (!previous) return;
  const info = await deps.tracker.info(previous);
  if (!info || info.finalized || (await deps.tracker.hasFailed(previous))) return;
  await deps.runs.record(info, 'abandoned', 'the run did not finish within RUN_TIMEOUT', now.toISOString());
  log.warn({ runId: previous }, 'previous run abandoned: recorded, and this run covers its ground again');
}

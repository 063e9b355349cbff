import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import { fetchJob } from '../jobs/fetch.job.ts';
import type { planRunJob } from '../jobs/plan-run.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import type { RunsRepository } from '../state/runs.repository.ts';
import type { StateRepository } from '../state/state.repository.ts';

export type PlanDeps = {
  state: StateRepository;
  tracker: RunTracker;
  runs: RunsRepository;
  fetchQueue: Queue;
  /** Changed orders re-read on every incremental run, before the watermark. */
  lookbackMs: number;
  /** A run holding the lock longer than this is considered dead and a new one may start. */
  runTimeoutMs: number;
  now?: () => Date;
};

export const runIdFor = (stream: string, mode: string, at: Date) =>
  `${stream}-${mode === 'incremental' ? 'inc' : mode === 'backfill' ? 'bf' : 'rec'}-${at.toISOString().replace(/[-:]/g, '').replace('.', '')}`;

/** Starts a run from the stream's durable state, unless one is already in flight. */
export async function handlePlanRun(p: z.output<typeof planRunJob.schema>, deps: PlanDeps, log: Logger): Promise<JobOutcome> {
  const now = deps.now?.() ?? new Date();
  for (const { info, reason } of await deps.tracker.takeFailed(p.stream)) {
    await deps.runs.record(info, 'failed', reason, now.toISOString());
    log.error({ runId: info.runId, reason }, 'run failed; this run covers its ground again');
  }
  const runId = runIdFor(p.stream, p.mode, now);
  // Backfills run in a lane of their own: one at a time, alongside the incremental runs (writes are idempotent).
  const lock = p.mode === 'backfill' ? `${p.stream}-backfill` : p.stream;
  if (!(await deps.tracker.lock(lock, runId, deps.runTimeoutMs))) {
    const holder = await deps.tracker.lockHolder(lock);
    return { status: 'skipped', reason: `run ${holder ?? '?'} of ${p.stream} still in progress` };
  }
  try {
    const state = await deps.state.get(p.stream);
    let changedSince: string | null = null;
    let changedFallbackPosition = state.pagingTotal;
    if (p.stream === 'orders' && p.mode === 'incremental' && state.watermark) {
      changedSince = new Date(Date.parse(state.watermark) - deps.lookbackMs).toISOString();
      const firstId = await deps.state.firstOrderCreatedSince(changedSince);
      if (firstId !== null) changedFallbackPosition = await deps.state.ordersBelow(firstId);
    }
    await deps.tracker.start(runId, p.stream, p.mode, now.toISOString(), lock, p.window ?? null);
    const info = await deps.tracker.info(runId);
    if (info) await deps.runs.record(info, 'running');
    await enqueue(deps.fetchQueue, fetchJob, {
      kind: 'discover',
      runId,
      stream: p.stream,
      mode: p.mode,
      highWaterId: state.highWaterId,
      highWaterPosition: state.pagingTotal,
      changedSince,
      changedFallbackPosition,
      ...(p.window ? { window: p.window } : {}),
    });
    log.info({ runId, highWaterId: state.highWaterId, watermark: state.watermark, changedSince }, 'run started');
    return { status: 'ok', detail: { runId } };
  } catch (err) {
    await deps.tracker.unlock(lock, runId);
    throw err;
  }
}

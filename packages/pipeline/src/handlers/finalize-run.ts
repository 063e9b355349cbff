import type { Logger } from '@qtp/shared';
import type { RunTracker } from '../state/run-tracker.ts';
import type { RunsRepository } from '../state/runs.repository.ts';
import type { StateRepository } from '../state/state.repository.ts';

export type FinalizeDeps = { tracker: RunTracker; state: StateRepository; runs: RunsRepository; dryRun: boolean; now?: () => Date };

/**
 * Called once every page of a run is confirmed in ClickHouse: only now does the stream's durable state move
 * (high-water id, its list position, the changed-orders watermark, last success), then the run lock is released.
 */
export async function finalizeRun(runId: string, deps: FinalizeDeps, log: Logger): Promise<void> {
  const run = await deps.tracker.info(runId);
  if (!run) return;
  const now = (deps.now?.() ?? new Date()).toISOString();
  const prev = await deps.state.get(run.stream);
  const advancedHw = run.maxId >= prev.highWaterId;
  const prevWatermarkMs = prev.watermark ? Date.parse(prev.watermark) : 0;
  const next = {
    ...prev,
    highWaterId: Math.max(prev.highWaterId, run.maxId),
    pagingTotal: advancedHw ? run.total : prev.pagingTotal,
    watermark: run.maxUpdatedAtMs > prevWatermarkMs ? new Date(run.maxUpdatedAtMs).toISOString() : prev.watermark,
    lastRunId: runId,
    lastSuccessAt: now,
  };
  if (deps.dryRun) {
    log.info({ runId, state: next }, 'dry run: would advance the stream state');
  } else {
    // A backfill re-reads a bounded window: it never moves the stream's state (design note 4).
    if (run.mode !== 'backfill') await deps.state.put(next);
    await deps.runs.record(run, 'ok', '', now);
  }
  await deps.tracker.unlock(run.lock, runId);
  log.info(
    {
      runId,
      pages: run.done,
      fetched: run.fetched,
      valid: run.valid,
      quarantined: run.quarantined,
      written: run.written,
      highWaterId: next.highWaterId,
      watermark: next.watermark,
    },
    'run complete',
  );
}

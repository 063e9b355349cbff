import type { JobOutcome, Logger } from '@qtp/shared';
import type { WritePayload } from '../jobs/write.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import type { BatchWriter } from '../writer/batch-writer.ts';
import { addFollowUps, type FollowUpDeps } from './fan-out.ts';
import { type FinalizeDeps, finalizeRun } from './finalize-run.ts';

export type WriteDeps = FinalizeDeps &
  FollowUpDeps & {
    writer: BatchWriter;
    tracker: RunTracker;
    /** Observer (metrics): webhook changes whose rows ClickHouse just confirmed. Must not throw. */
    onChangeConfirmed?: (e: { stream: string; receivedAtMs: number; changes: number }) => void;
  };

/**
 * Completes only after ClickHouse confirmed the insert holding this job's rows; then records the page as done, adds
 * the unit's follow-ups to the run if it has any, and, if it was the run's last page, finalises the run.
 */
export async function handleWrite(p: WritePayload, jobId: string, deps: WriteDeps, log: Logger): Promise<JobOutcome> {
  await deps.writer.write(jobId, p.rows);
  const written = Object.values(p.rows).reduce((n, chunk) => n + chunk.rows, 0);
  if (p.receivedAtMs !== undefined) {
    // A webhook change belongs to no planned run: nothing to complete or finalise (and no bookkeeping left in Redis).
    deps.onChangeConfirmed?.({ stream: p.stream, receivedAtMs: p.receivedAtMs, changes: p.stats.valid });
    return { status: 'ok', detail: { written, changes: p.stats.valid } };
  }
  let { complete, followUp } = await deps.tracker.markDone(p.runId, p.source, { ...p.stats, written });
  if (followUp) {
    // The unit is wholly written and its stream reads more from it in this run (e.g. the barcodes a list returned).
    await addFollowUps(p.runId, p.stream, followUp, deps, log);
    complete = await deps.tracker.isComplete(p.runId);
  }
  if (complete && (await deps.tracker.claimFinalize(p.runId))) {
    try {
      await finalizeRun(p.runId, deps, log);
    } catch (err) {
      // This job fails and retries; its next attempt finds the run complete and finalises it again (idempotent).
      await deps.tracker.releaseFinalize(p.runId);
      throw err;
    }
  }
  return { status: 'ok', detail: { written } };
}

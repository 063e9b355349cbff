import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { PlanDeps } from '../handlers/plan-run.handler.ts';
import { replaySliceJob } from '../jobs/replay.job.ts';
import { rawTableOf, type StreamDefinition } from '../streams/stream.ts';
import { RawRepository } from './raw.repository.ts';

export const DEFAULT_SLICE_RECORDS = 1_000;

/**
 * A replay run (`pnpm replay`): the stream's raw landing cut into slices of natural ids, each slice one job that the
 * scheduler reads from ClickHouse and hands to the transformer as if fetched, so it goes through the same transform,
 * the same writer (dedup tokens, acknowledged after the insert) and the same run bookkeeping; it makes no API request
 * and never moves the stream's state. Rows it writes carry the version of the record they come from (see README,
 * "Replay"), so a replayed row replaces the row it re-derives (same version, inserted later) and never one of a
 * newer record version.
 */
export async function planReplay(
  r: { runId: string; stream: StreamDefinition; lock: string; window: { from: string; to: string } | null; now: Date },
  deps: PlanDeps,
  log: Logger,
): Promise<JobOutcome> {
  if (!deps.replayQueue) throw new Error('this scheduler has no replay queue');
  const name = r.stream.name;
  const slices = await new RawRepository(deps.clickhouse, rawTableOf(name)).slices(deps.replaySliceRecords ?? DEFAULT_SLICE_RECORDS, r.window);
  await deps.tracker.start(r.runId, name, 'replay', r.now.toISOString(), r.lock, r.window);
  const sources = slices.map((_, i) => `s${String(i + 1).padStart(5, '0')}`);
  const records = slices.reduce((n, s) => n + s.records, 0);
  await deps.tracker.plan(r.runId, sources, { total: records, perPage: deps.replaySliceRecords ?? DEFAULT_SLICE_RECORDS });
  const info = await deps.tracker.info(r.runId);
  if (!info) throw new Error(`run ${r.runId} vanished from Redis as it started`);
  if (slices.length === 0) {
    await deps.runs.record(info, 'ok', '', r.now.toISOString());
    await deps.tracker.claimFinalize(r.runId);
    await deps.tracker.unlock(r.lock, r.runId);
    log.info({ runId: r.runId }, 'raw landing empty (in that window): empty replay recorded');
    return { status: 'ok', detail: { runId: r.runId, empty: true } };
  }
  await deps.runs.record(info, 'running');
  for (const [i, s] of slices.entries()) {
    const source = sources[i] as string;
    await enqueue(deps.replayQueue, replaySliceJob, {
      runId: r.runId,
      stream: name as never,
      source,
      fromKey: s.fromKey,
      toKey: s.toKey,
      ...(r.window ? { window: r.window } : {}),
    });
  }
  log.info({ runId: r.runId, slices: slices.length, records, window: r.window }, 'replay started');
  return { status: 'ok', detail: { runId: r.runId, slices: slices.length, records } };
}

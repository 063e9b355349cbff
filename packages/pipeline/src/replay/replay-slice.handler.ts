import { type ClickHouseClient, enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { chunkRecords } from '../handlers/fetch-item.handler.ts';
import type { ReplaySlice } from '../jobs/replay.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { rawTableOf } from '../streams/stream.ts';
import { RawRepository } from './raw.repository.ts';

/**
 * Raw records (with their context) per transform job: larger than a fetched page's chunk, since a replay's write jobs
 * carry no raw landing rows; the rows made of them stay under the write job's 1 MiB cap.
 */
export const REPLAY_CHUNK_BYTES = 160 * 1024;

export type ReplaySliceDeps = {
  clickhouse: ClickHouseClient;
  transformQueue: Queue;
  tracker: RunTracker;
  /** Back-pressure: a slice waits while this many transform jobs wait (Redis holds a bounded share of the replay). */
  maxQueued: number;
  now?: () => Date;
};

/**
 * Reads one slice of the raw landing and hands its records to the transformer, each with the context it had. A slice
 * larger than a transform job carries goes on in chunks, registered with the run before they are enqueued.
 */
export async function handleReplaySlice(p: ReplaySlice, deps: ReplaySliceDeps, log: Logger): Promise<JobOutcome> {
  const started = Date.now();
  while ((await deps.transformQueue.getWaitingCount()) >= deps.maxQueued) {
    if (Date.now() - started > 600_000) throw new Error('the transform queue did not drain for 10 minutes (is a transformer running?)');
    await new Promise((r) => setTimeout(r, 50));
  }
  const raw = await new RawRepository(deps.clickhouse, rawTableOf(p.stream)).read(p.fromKey, p.toKey, p.window ?? null);
  const chunks = chunkRecords(raw, REPLAY_CHUNK_BYTES) as (typeof raw)[];
  const sources = chunks.map((_, i) => (i === 0 ? p.source : `${p.source}|c${i}`));
  await deps.tracker.addUnits(p.runId, sources.slice(1));
  const fetchedAt = (deps.now?.() ?? new Date()).toISOString();
  for (const [i, chunk] of chunks.entries()) {
    await enqueue(deps.transformQueue, transformJob, {
      runId: p.runId,
      stream: p.stream,
      source: sources[i] ?? p.source,
      fetchedAt,
      filterIgnored: false,
      records: chunk.map((r) => r.record),
      replayed: chunk.map((r) => ({ runId: r.runId, fetchedAt: r.fetchedAt, ...(r.parent ? { parent: r.parent } : {}) })),
    });
  }
  log.debug({ source: p.source, records: raw.length, chunks: chunks.length }, 'replay slice handed to the transformer');
  return { status: 'ok', detail: { records: raw.length, chunks: chunks.length } };
}

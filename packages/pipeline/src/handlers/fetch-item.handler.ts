import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import { type Queue, UnrecoverableError } from 'bullmq';
import type { PartnersApi, QTicketsApi } from '../common/api.port.ts';
import { type ItemPayload, unitSource } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';

export type FetchItemDeps = {
  api: QTicketsApi;
  partners: PartnersApi | null;
  tracker: RunTracker;
  transformQueue: Queue;
  piiSalt: string;
  now?: () => Date;
};

/**
 * Sanitised records per transform job: a show's barcode list can hold thousands, and a job stays well under its
 * 256 KB cap (the rows the transformer makes of them are two to three times larger).
 */
export const CHUNK_BYTES = 64 * 1024;

/** Splits records into runs of at most `maxBytes` of JSON each (a single larger record gets a chunk of its own). */
export function chunkRecords(records: unknown[], maxBytes = CHUNK_BYTES): unknown[][] {
  const chunks: unknown[][] = [];
  let current: unknown[] = [];
  let size = 0;
  for (const r of records) {
    const n = Buffer.byteLength(JSON.stringify(r) ?? '') + 1;
    if (current.length > 0 && size + n > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(r);
    size += n;
  }
  chunks.push(current);
  return chunks;
}

/**
 * One parent of a per-parent source, or one record by id (webhooks): its request, PII dropped at this boundary, records to the transformer. A large
 * response goes on in chunks; the extra chunks are registered with the run before they are enqueued, so the run
 * completes only when every chunk is written.
 */
export async function handleFetchItem(p: ItemPayload, deps: FetchItemDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const fetch = stream.source.kind === 'per-parent' ? stream.source.fetch : stream.refetch;
  if (!fetch) throw new UnrecoverableError(`stream ${p.stream} reads no single records`);
  const fetchedAt = (deps.now?.() ?? new Date()).toISOString();
  const raw = await fetch({ api: deps.api, partners: deps.partners, parent: p.parent, log, piiSalt: deps.piiSalt });
  const records = raw.map((r) => stream.sanitize(r, { piiSalt: deps.piiSalt }));
  const chunks = chunkRecords(records);
  const base = unitSource(p);
  const sources = chunks.map((_, i) => (i === 0 ? base : `${base}|c${i}`));
  // A unit with follow-ups (a show's barcode list) is tracked as a whole: they are planned once all its chunks are written.
  const followUp = stream.sync.followUp?.after(p.parent) ? { unit: base, chunks: chunks.length, parent: p.parent } : undefined;
  await deps.tracker.addUnits(p.runId, sources.slice(1), followUp);
  for (const [i, chunk] of chunks.entries()) {
    await enqueue(deps.transformQueue, transformJob, {
      runId: p.runId,
      stream: p.stream,
      source: sources[i] ?? base,
      fetchedAt,
      records: chunk,
      parent: p.parent,
      ...(p.receivedAtMs !== undefined ? { receivedAtMs: p.receivedAtMs } : {}),
    });
  }
  return { status: 'ok', detail: { rows: records.length, chunks: chunks.length } };
}

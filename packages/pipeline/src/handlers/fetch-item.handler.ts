import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import { type Queue, UnrecoverableError } from 'bullmq';
import type { QTicketsApi } from '../common/api.port.ts';
import { type ItemPayload, unitSource } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { streamByName } from '../streams/registry.ts';

export type FetchItemDeps = { api: QTicketsApi; transformQueue: Queue; piiSalt: string; now?: () => Date };

/** One parent of a per-parent source, or one record by id: its request, PII dropped at this boundary, records to the transformer. */
export async function handleFetchItem(p: ItemPayload, deps: FetchItemDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const fetch = stream.source.kind === 'per-parent' ? stream.source.fetch : stream.refetch;
  if (!fetch) throw new UnrecoverableError(`stream ${p.stream} reads no single records`);
  const fetchedAt = (deps.now?.() ?? new Date()).toISOString();
  const raw = await fetch({ api: deps.api, parent: p.parent, log });
  const records = raw.map((r) => stream.sanitize(r, { piiSalt: deps.piiSalt }));
  await enqueue(deps.transformQueue, transformJob, { runId: p.runId, stream: p.stream, source: unitSource(p), fetchedAt, records, parent: p.parent });
  return { status: 'ok', detail: { rows: records.length } };
}

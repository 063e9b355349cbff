import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type FilterVerifier, type QTicketsApi, readPage } from '../common/api.port.ts';
import { fetchJob, type PagePayload, pageSource } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';
import { unitJobOptions } from './discover.handler.ts';

export type FetchPageDeps = {
  api: QTicketsApi;
  verifyFilter: FilterVerifier;
  tracker: RunTracker;
  fetchQueue: Queue;
  transformQueue: Queue;
  piiSalt: string;
  unitRetry?: { attempts: number; backoffMs: number };
  now?: () => Date;
};

/** One page: fetch, verify the filter, drop PII at this boundary, hand the records to the transformer. */
export async function handleFetchPage(p: PagePayload, deps: FetchPageDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const page = await readPage(deps.api, stream.source, {
    page: p.page,
    ...(p.where ? { where: p.where } : {}),
    ...(p.orderBy ? { orderBy: p.orderBy } : {}),
  });
  const filterIgnored = p.where ? !deps.verifyFilter(page.data, p.where).honoured : false;
  if (filterIgnored) log.warn({ where: p.where }, 'rows outside the filter: server ignored it; rows kept (extra rows are harmless)');
  if (p.page < page.lastPage && page.data.length < page.paging.perPage) {
    log.warn(
      { got: page.data.length, perPage: page.paging.perPage, lastPage: page.lastPage },
      'short page before the last page: the list changed while walking',
    );
  }

  // More pages the stream's sync strategy wants after this one (orders: the tail walk when the list shifted).
  for (const unit of stream.sync.afterPage?.({ unit: p, data: page.data }) ?? []) {
    const next: PagePayload = { kind: 'page', runId: p.runId, stream: p.stream, ...unit };
    await deps.tracker.plan(p.runId, [pageSource(next)], { total: page.paging.total, perPage: page.paging.perPage });
    await enqueue(deps.fetchQueue, fetchJob, next, unitJobOptions(stream.priority, deps.unitRetry));
    log.info({ query: next.query, page: next.page }, 'the sync strategy extends the walk');
  }

  const records = page.data.map((r) => stream.sanitize(r, { piiSalt: deps.piiSalt }));
  await enqueue(deps.transformQueue, transformJob, {
    runId: p.runId,
    stream: p.stream,
    source: pageSource(p),
    fetchedAt: (deps.now?.() ?? new Date()).toISOString(),
    filterIgnored,
    records,
  });
  return { status: 'ok', detail: { rows: records.length, total: page.paging.total } };
}

import { enqueueMany, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type FilterVerifier, type QTicketsApi, readPage } from '../common/api.port.ts';
import { type DiscoverPayload, fetchJob, type PagePayload, pageSource } from '../jobs/fetch.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';

export type DiscoverDeps = { api: QTicketsApi; verifyFilter: FilterVerifier; tracker: RunTracker; fetchQueue: Queue };

/** Asks the stream's sync strategy which pages this run reads, registers them with the run, then enqueues them. */
export async function handleDiscover(p: DiscoverPayload, deps: DiscoverDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const { pages, paging } = await stream.sync.discover({
    api: deps.api,
    verifyFilter: deps.verifyFilter,
    readPage: (params) => readPage(deps.api, stream.source, params),
    mode: p.mode,
    params: p.params,
    log,
    ...(p.window ? { window: p.window } : {}),
  });
  const payloads: PagePayload[] = pages.map((pg) => ({ kind: 'page', runId: p.runId, stream: p.stream, ...pg }));
  // Register the pages before enqueuing them, so the run can never look complete before it is.
  await deps.tracker.plan(p.runId, payloads.map(pageSource), paging);
  await enqueueMany(deps.fetchQueue, fetchJob, payloads);
  log.info({ ...paging, pages: payloads.length, mode: p.mode }, 'run planned');
  return { status: 'ok', detail: { pages: payloads.length, total: paging.total } };
}

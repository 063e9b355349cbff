import { enqueueMany, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type FilterVerifier, type QTicketsApi, readPage } from '../common/api.port.ts';
import { type DiscoverPayload, fetchJob, type ItemPayload, type PagePayload, unitSource } from '../jobs/fetch.job.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';

export type DiscoverDeps = { api: QTicketsApi; verifyFilter: FilterVerifier; tracker: RunTracker; fetchQueue: Queue };

/** Asks the stream's sync strategy which pages this run reads, registers them with the run, then enqueues them. */
export async function handleDiscover(p: DiscoverPayload, deps: DiscoverDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const { units, paging, cursor } = await stream.sync.discover({
    api: deps.api,
    verifyFilter: deps.verifyFilter,
    readPage: (params) => readPage(deps.api, stream.source, params),
    mode: p.mode,
    params: p.params,
    log,
    ...(p.window ? { window: p.window } : {}),
  });
  const payloads = units.map((u): PagePayload | ItemPayload =>
    u.query === 'item'
      ? { kind: 'item', runId: p.runId, stream: p.stream, key: u.key, parent: u.parent }
      : { kind: 'page', runId: p.runId, stream: p.stream, ...u },
  );
  // Register the units before enqueuing them, so the run can never look complete before it is.
  await deps.tracker.plan(p.runId, payloads.map(unitSource), paging, cursor);
  await enqueueMany(deps.fetchQueue, fetchJob, payloads, stream.priority ? { priority: stream.priority } : {});
  log.info({ ...paging, pages: payloads.length, mode: p.mode }, 'run planned');
  return { status: 'ok', detail: { pages: payloads.length, total: paging.total } };
}

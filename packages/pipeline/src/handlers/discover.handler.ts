import { enqueueMany, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type FilterVerifier, type QTicketsApi, readPage } from '../common/api.port.ts';
import { type DiscoverPayload, fetchJob, type ItemPayload, type PagePayload, unitSource } from '../jobs/fetch.job.ts';
import type { RunStages } from '../state/run-stages.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';
import { fanOutStage } from './fan-out.ts';

export type DiscoverDeps = {
  api: QTicketsApi;
  verifyFilter: FilterVerifier;
  tracker: RunTracker;
  stages: RunStages;
  fetchQueue: Queue;
  /** Retry policy of the fetch jobs it fans out (FETCH_ATTEMPTS, FETCH_BACKOFF_MS). */
  unitRetry?: { attempts: number; backoffMs: number };
};

const ENQUEUE_SLICE = 200;

/** BullMQ options of a run's page and item jobs: the stream's priority and the configured retry policy. */
export function unitJobOptions(priority: number | undefined, retry: DiscoverDeps['unitRetry']) {
  return {
    ...(priority ? { priority } : {}),
    ...(retry ? { attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 1 } } : {}),
  };
}

/** Asks the stream's sync strategy which pages this run reads, registers them with the run, then enqueues them. */
export async function handleDiscover(p: DiscoverPayload, deps: DiscoverDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  if (typeof p.params.staged === 'string') {
    // A per-parent plan the scheduler staged in Redis: registered, marked planned, then enqueued, a slice at a time.
    const opts = unitJobOptions(stream.priority, deps.unitRetry);
    if (stream.sync.followUp) await deps.stages.setUnitOptions(p.runId, opts);
    const n = await fanOutStage(deps, p.runId, p.params.staged, opts, (units) => deps.tracker.plan(p.runId, [], { total: units, perPage: 1 }));
    log.info({ items: n, mode: p.mode }, 'run planned');
    return { status: 'ok', detail: { pages: n, total: n } };
  }
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
    'parent' in u ? { kind: 'item', runId: p.runId, stream: p.stream, key: u.key, parent: u.parent } : { kind: 'page', runId: p.runId, stream: p.stream, ...u },
  );
  // Register the units before enqueuing them, so the run can never look complete before it is.
  await deps.tracker.plan(p.runId, payloads.map(unitSource), paging, cursor);
  // In slices: one addBulk of 20,000 pages (a 1M-order reconciliation) would hold them all in memory at once.
  for (let i = 0; i < payloads.length; i += ENQUEUE_SLICE)
    await enqueueMany(deps.fetchQueue, fetchJob, payloads.slice(i, i + ENQUEUE_SLICE), unitJobOptions(stream.priority, deps.unitRetry));
  log.info({ ...paging, pages: payloads.length, mode: p.mode }, 'run planned');
  return { status: 'ok', detail: { pages: payloads.length, total: paging.total } };
}

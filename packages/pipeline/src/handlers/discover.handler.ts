import { enqueueMany, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type DiscoverPayload, fetchJob, type PagePayload, pageSource } from '../jobs/fetch.job.ts';
import { planPages } from '../scheduler/page-plan.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { toApiTimestamp } from '../transform/moscow-time.ts';
import type { Condition, FilterVerifier, OrdersApi } from './ports.ts';

export type DiscoverDeps = { api: OrdersApi; verifyFilter: FilterVerifier; tracker: RunTracker; fetchQueue: Queue };

/**
 * Asks the server whether it honours a filter (contract §4.4: never trust it blindly). Honoured means every row of
 * the first page matches; an empty result counts as honoured, since a server ignoring the filter returns rows.
 */
async function probeFilter(deps: DiscoverDeps, where: Condition[], log: Logger): Promise<{ where: Condition[]; total: number } | null> {
  const page = await deps.api.listPage('orders', { page: 1, where, orderBy: { id: 'asc' } });
  const check = deps.verifyFilter(page.data, where);
  if (!check.honoured) {
    log.warn({ where, violations: check.violations }, 'server ignored the filter: falling back to the id-ascending tail walk');
    return null;
  }
  return { where, total: page.paging.total };
}

export async function handleDiscover(p: DiscoverPayload, deps: DiscoverDeps, log: Logger): Promise<JobOutcome> {
  const first = await deps.api.listPage(p.stream, { page: 1 });
  const { total, perPage } = first.paging;
  // Events are a full walk every time (a few hundred rows); orders are incremental once loaded.
  const incremental = p.stream === 'orders' && p.mode === 'incremental' && p.highWaterId > 0;
  const newFiltered = incremental ? await probeFilter(deps, [{ column: 'id', operator: '>', value: p.highWaterId }], log) : null;
  const changedFiltered =
    incremental && p.changedSince ? await probeFilter(deps, [{ column: 'updated_at', operator: '>=', value: toApiTimestamp(p.changedSince) }], log) : null;
  const pages = planPages({
    mode: p.stream === 'orders' ? p.mode : 'reconcile',
    perPage,
    total,
    highWaterId: p.highWaterId,
    highWaterPosition: p.highWaterPosition,
    newFiltered,
    changedSince: incremental ? p.changedSince : null,
    changedFiltered,
    changedFallbackPosition: p.changedFallbackPosition,
  });
  const payloads: PagePayload[] = pages.map((pg) => ({ kind: 'page', runId: p.runId, stream: p.stream, ...pg }));
  // Register the pages before enqueuing them, so the run can never look complete before it is.
  await deps.tracker.plan(p.runId, payloads.map(pageSource), { total, perPage });
  await enqueueMany(deps.fetchQueue, fetchJob, payloads);
  log.info({ total, perPage, pages: payloads.length, newFiltered: !!newFiltered, changedFiltered: !!changedFiltered }, 'run planned');
  return { status: 'ok', detail: { pages: payloads.length, total } };
}

import { enqueueMany, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { type DiscoverPayload, fetchJob, type PagePayload, pageSource } from '../jobs/fetch.job.ts';
import { searchWindowPages, windowWhere } from '../scheduler/backfill-plan.ts';
import { lastPageOf, type PlannedPage, planPages } from '../scheduler/page-plan.ts';
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
  if (p.mode === 'backfill') return fanOut(p, await planBackfill(p, deps, { total, perPage }, log), { total, perPage }, deps, log);
  // Events are a full walk every time (a few hundred rows); orders are incremental once loaded.
  const incremental = p.stream === 'orders' && p.mode === 'incremental' && p.highWaterId > 0;
  const newFiltered = incremental ? await probeFilter(deps, [{ column: 'id', operator: '>', value: p.highWaterId }], log) : null;
  const changedFiltered =
    incremental && p.changedSince ? await probeFilter(deps, [{ column: 'updated_at', operator: '>=', value: toApiTimestamp(p.changedSince) }], log) : null;
  const pages = planPages({
    mode: p.stream === 'orders' && p.mode === 'incremental' ? 'incremental' : 'reconcile',
    perPage,
    total,
    highWaterId: p.highWaterId,
    highWaterPosition: p.highWaterPosition,
    newFiltered,
    changedSince: incremental ? p.changedSince : null,
    changedFiltered,
    changedFallbackPosition: p.changedFallbackPosition,
  });
  log.info({ newFiltered: !!newFiltered, changedFiltered: !!changedFiltered }, 'filters probed');
  return fanOut(p, pages, { total, perPage }, deps, log);
}

async function fanOut(
  p: DiscoverPayload,
  pages: PlannedPage[],
  paging: { total: number; perPage: number },
  deps: DiscoverDeps,
  log: Logger,
): Promise<JobOutcome> {
  const payloads: PagePayload[] = pages.map((pg) => ({ kind: 'page', runId: p.runId, stream: p.stream, ...pg }));
  // Register the pages before enqueuing them, so the run can never look complete before it is.
  await deps.tracker.plan(p.runId, payloads.map(pageSource), paging);
  await enqueueMany(deps.fetchQueue, fetchJob, payloads);
  log.info({ ...paging, pages: payloads.length, mode: p.mode }, 'run planned');
  return { status: 'ok', detail: { pages: payloads.length, total: paging.total } };
}

/** Backfill: the window filter when the server honours it, else a binary search of the id-ascending list. */
async function planBackfill(p: DiscoverPayload, deps: DiscoverDeps, paging: { total: number; perPage: number }, log: Logger): Promise<PlannedPage[]> {
  const window = p.window as { from: string; to: string };
  const filtered = await probeFilter(deps, windowWhere(toApiTimestamp(window.from), toApiTimestamp(window.to)), log);
  if (filtered) {
    const pages: PlannedPage[] = [];
    for (let page = 1; page <= lastPageOf(filtered.total, paging.perPage); page++)
      pages.push({ query: 'window', page, where: filtered.where, orderBy: { id: 'asc' } });
    return pages;
  }
  return searchWindowPages(deps.api, { fromMs: Date.parse(window.from), toMs: Date.parse(window.to) }, paging);
}

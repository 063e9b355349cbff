import { lastPageOf } from '../../common/paging.ts';
import type { PlannedPage, SyncStrategy } from '../stream.ts';
import { markVanishedTables } from './vanished.repository.ts';

/**
 * Full refresh: every run reads every page of the list. A complete run then marks the rows it did not see as deleted
 * upstream in every table the stream declares with refresh columns (a run that failed or is incomplete marks nothing:
 * only complete runs get here).
 */
export function fullRefreshSync(): SyncStrategy {
  return {
    modes: ['reconcile'],
    prepare: async () => ({}),
    async discover(ctx) {
      const first = await ctx.readPage({ page: 1 });
      const paging = { total: first.paging.total, perPage: first.paging.perPage };
      const pages: PlannedPage[] = [];
      for (let page = 1; page <= lastPageOf(paging.total, paging.perPage); page++) pages.push({ query: 'list', page });
      return { units: pages, paging };
    },
    complete: markVanishedTables,
    advance: (prev, run, now) => ({ ...prev, pagingTotal: run.total, lastRunId: run.runId, lastSuccessAt: now.toISOString() }),
  };
}

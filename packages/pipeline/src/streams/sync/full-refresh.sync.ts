import { lastPageOf } from '../../common/paging.ts';
import type { CompleteContext, PlannedPage, SyncStrategy } from '../stream.ts';
import { markVanished, type VanishRule } from './vanished.repository.ts';

/**
 * Full refresh: every run reads every page of the list. With `vanish` rules, a complete run then marks the rows it
 * did not see as deleted upstream (a run that failed or is incomplete marks nothing: only complete runs get here).
 */
export function fullRefreshSync(options: { vanish?: readonly VanishRule[] } = {}): SyncStrategy {
  return {
    kind: 'full-refresh',
    modes: ['reconcile'],
    prepare: async () => ({}),
    async discover(ctx) {
      const first = await ctx.readPage({ page: 1 });
      const paging = { total: first.paging.total, perPage: first.paging.perPage };
      const pages: PlannedPage[] = [];
      for (let page = 1; page <= lastPageOf(paging.total, paging.perPage); page++) pages.push({ query: 'list', page });
      return { units: pages, paging };
    },
    ...(options.vanish?.length
      ? {
          async complete(ctx: CompleteContext) {
            for (const rule of options.vanish ?? []) {
              const n = await markVanished(ctx.clickhouse, rule, ctx.run.runId, ctx.now);
              if (n > 0) ctx.log.info({ table: rule.table, rows: n }, 'rows gone upstream marked deleted');
            }
          },
        }
      : {}),
    advance: (prev, run, now) => ({ ...prev, pagingTotal: run.total, lastRunId: run.runId, lastSuccessAt: now.toISOString() }),
  };
}

import { z } from 'zod';
import type { CompleteContext, PlannedItem, PrepareContext, SyncStrategy } from '../stream.ts';

const itemsParams = z.object({ items: z.array(z.object({ key: z.string(), parent: z.record(z.string(), z.unknown()) })) });

/**
 * Per-parent sync (a partition router): the scheduler picks the parents due this run from ClickHouse (e.g. shows
 * by how close they are), within a per-run budget; the fetcher reads each one as a job of its own. `complete` runs
 * once every item of a run is written (e.g. marks what vanished from the parents this run refreshed).
 */
export function perParentSync(options: { due(ctx: PrepareContext): Promise<PlannedItem[]>; complete?(ctx: CompleteContext): Promise<void> }): SyncStrategy {
  return {
    ...(options.complete ? { complete: options.complete } : {}),
    kind: 'full-refresh',
    modes: ['incremental', 'reconcile'],
    async prepare(ctx) {
      const items = await options.due(ctx);
      return items.length === 0 ? null : { items: items.map(({ key, parent }) => ({ key, parent })) };
    },
    async discover(ctx) {
      const { items } = itemsParams.parse(ctx.params);
      const units = items.map((i): PlannedItem => ({ query: 'item', key: i.key, parent: i.parent as PlannedItem['parent'] }));
      return { units, paging: { total: units.length, perPage: 1 } };
    },
    advance: (prev, run, now) => ({ ...prev, pagingTotal: run.total, lastRunId: run.runId, lastSuccessAt: now.toISOString() }),
  };
}

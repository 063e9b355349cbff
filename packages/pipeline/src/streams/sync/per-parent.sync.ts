import { z } from 'zod';
import type { AnySettings, FollowUp, PlannedItem, PrepareContext, SyncStrategy } from '../stream.ts';
import { markVanishedTables } from './vanished.repository.ts';

const itemsParams = z.object({ items: z.array(z.object({ key: z.string(), parent: z.record(z.string(), z.unknown()) })) });

/**
 * Per-parent sync (a partition router): the scheduler picks the parents due this run from ClickHouse (e.g. shows
 * by how close they are), within a per-run budget, and stages them in Redis; discovery fans them out in slices, each
 * parent a fetch job of its own. With `followUp`, a unit's completion adds more units to its run (the polls of the
 * barcodes a list returned) within what the budget left. Once every item of a run is written, declared tables with
 * refresh columns get what vanished from the parents this run refreshed marked.
 */
export function perParentSync<C = AnySettings>(options: {
  due(ctx: PrepareContext<C>): Promise<PlannedItem[]>;
  /** Requests a run may spend in all, plan and follow-ups (only streams with follow-ups need it). */
  budget?(ctx: PrepareContext<C>): number;
  followUp?: FollowUp;
}): SyncStrategy<C> {
  return {
    complete: markVanishedTables,
    ...(options.followUp ? { followUp: options.followUp } : {}),
    modes: ['incremental', 'reconcile'],
    async stage(ctx) {
      const items = await options.due(ctx);
      return { items, ...(options.budget ? { budget: options.budget(ctx) } : {}) };
    },
    /** The plan as discovery params (small plans, tests); runs are staged instead. */
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

import type { Condition, OrderBy } from '../../common/api.port.ts';
import { lastPageOf } from '../../common/paging.ts';
import type { PlannedPage } from '../stream.ts';

export type { PlannedPage } from '../stream.ts';

export { lastPageOf };

/** The page holding list position `position` (1-based), one page earlier as a margin against shifts. */
export function pageOfPosition(position: number, perPage: number): number {
  const page = Math.floor(Math.max(0, position - 1) / Math.max(1, perPage)) + 1;
  return Math.max(1, page - 1);
}

export type PlanInput = {
  mode: 'incremental' | 'reconcile';
  perPage: number;
  total: number;
  highWaterId: number;
  highWaterPosition: number;
  /** Filtered queries the server was seen to honour, with their own totals (null = ignored or not asked). */
  newFiltered: { where: Condition[]; total: number } | null;
  changedSince: string | null;
  changedFiltered: { where: Condition[]; total: number } | null;
  changedFallbackPosition: number;
  /**
   * Rolling re-walk (only when the changed-orders filter is ignored): this many older pages from `from` on, wrapping
   * after the last page, so late changes to orders of any age are re-read within ORDERS_REWALK_PERIOD.
   */
  rewalk?: { from: number; pages: number };
};

/** The pages of a rolling re-walk slice and the page the next slice starts at. */
export function rewalkSlice(from: number, pages: number, last: number): { pages: number[]; next: number } {
  const start = from >= 1 && from <= last ? from : 1;
  const n = Math.min(Math.max(0, pages), last);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(((start - 1 + i) % last) + 1);
  return { pages: out, next: ((start - 1 + n) % last) + 1 };
}

const ORDER_BY: OrderBy = { id: 'asc' };

/**
 * Which pages a run reads (pure). Reconciliation and the first load walk the whole list. Otherwise new orders come
 * from the `id > high-water` filter when the server honours it, else from the unfiltered tail starting at the page
 * that held the high-water id; changed orders from the `updated_at >= since` filter, else from the unfiltered tail
 * starting at the first order created in the look-back. Unfiltered pages are shared between both needs.
 */
export function planPages(p: PlanInput): PlannedPage[] {
  const last = lastPageOf(p.total, p.perPage);
  const list = new Set<number>();
  const out: PlannedPage[] = [];
  let tailStart = last + 1;
  const tail = (from: number) => {
    tailStart = Math.min(tailStart, from);
    for (let page = from; page <= last; page++) list.add(page);
  };
  if (p.mode === 'reconcile' || p.highWaterId === 0) {
    tail(1);
  } else {
    if (p.newFiltered) {
      for (let page = 1; page <= lastPageOf(p.newFiltered.total, p.perPage); page++)
        out.push({ query: 'new', page, where: p.newFiltered.where, orderBy: ORDER_BY });
    } else {
      tail(pageOfPosition(p.highWaterPosition, p.perPage));
    }
    if (p.changedSince !== null) {
      if (p.changedFiltered) {
        for (let page = 1; page <= lastPageOf(p.changedFiltered.total, p.perPage); page++) {
          out.push({ query: 'changed', page, where: p.changedFiltered.where, orderBy: ORDER_BY });
        }
      } else {
        tail(pageOfPosition(p.changedFallbackPosition, p.perPage));
        if (p.rewalk) for (const page of rewalkSlice(p.rewalk.from, p.rewalk.pages, last).pages) list.add(page);
      }
    }
  }
  for (const page of [...list].sort((a, b) => a - b)) {
    out.push(
      page === tailStart && p.mode === 'incremental' && p.highWaterId > 0
        ? { query: 'list', page, meta: { stopBelowId: p.highWaterId } }
        : { query: 'list', page },
    );
  }
  return out;
}

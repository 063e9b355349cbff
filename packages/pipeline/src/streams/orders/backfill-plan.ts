import type { Condition, QTicketsApi } from '../../common/api.port.ts';
import { instantMs } from '../../common/moscow-time.ts';
import type { PlannedPage } from '../stream.ts';
import { lastPageOf } from './page-plan.ts';

type OrdersLister = Pick<QTicketsApi, 'listPage'>;

type CreatedRange = { min: number; max: number } | null;

async function createdRange(api: OrdersLister, page: number): Promise<CreatedRange> {
  const res = await api.listPage('orders', { page });
  const times = res.data
    .map((r) => (typeof r === 'object' && r !== null ? (r as { created_at?: unknown }).created_at : undefined))
    .map((v) => (typeof v === 'string' ? instantMs(v) : null))
    .filter((v): v is number => v !== null);
  return times.length > 0 ? { min: Math.min(...times), max: Math.max(...times) } : null;
}

/** First page in [lo, hi] where `pred` holds, for a predicate false…false true…true over pages (hi + 1 when none). */
async function firstTrue(lo: number, hi: number, pred: (page: number) => Promise<boolean>): Promise<number> {
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (await pred(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * Pages of the id-ascending order list that hold orders created in [from, to), found by binary search when the
 * server ignores filters (orders come id-ascending and ids grow with creation time, contract §7.1). Pages whose
 * creation times cannot be read count as inside the window: a backfill may read a page too many, never one too few.
 */
export async function searchWindowPages(
  api: OrdersLister,
  window: { fromMs: number; toMs: number },
  paging: { total: number; perPage: number },
): Promise<PlannedPage[]> {
  const last = lastPageOf(paging.total, paging.perPage);
  const cache = new Map<number, Promise<CreatedRange>>();
  const range = (page: number) => {
    let r = cache.get(page);
    if (!r) {
      r = createdRange(api, page);
      cache.set(page, r);
    }
    return r;
  };
  // first page whose newest order is at or after `from`
  const start = await firstTrue(1, last, async (p) => {
    const r = await range(p);
    return r === null || r.max >= window.fromMs;
  });
  // first page whose oldest order is at or after `to`: the window ends before it
  const after = await firstTrue(start, last, async (p) => {
    const r = await range(p);
    return r !== null && r.min >= window.toMs;
  });
  const pages: PlannedPage[] = [];
  for (let page = start; page <= Math.min(last, after - 1); page++) pages.push({ query: 'list', page });
  if (pages.length === 0) pages.push({ query: 'list', page: Math.min(start, last) });
  return pages;
}

export function windowWhere(fromApi: string, toApi: string): Condition[] {
  return [
    { column: 'created_at', operator: '>=', value: fromApi },
    { column: 'created_at', operator: '<', value: toApi },
  ];
}

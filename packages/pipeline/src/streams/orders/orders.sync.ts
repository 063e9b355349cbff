import { intFromEnv, type Logger } from '@qtp/shared';
import { z } from 'zod';
import type { Condition } from '../../common/api.port.ts';
import { toApiTimestamp } from '../../common/moscow-time.ts';
import { durationSetting } from '../../config/settings.ts';
import type { AfterPageContext, DiscoverContext, PlannedPage, PrepareContext, SettingsOf, SyncStrategy } from '../stream.ts';
import { searchWindowPages, windowWhere } from './backfill-plan.ts';
import { firstOrderCreatedSince, ordersBelow } from './orders-position.repository.ts';
import { lastPageOf, planPages, rewalkSlice } from './page-plan.ts';

/** What the scheduler hands the fetcher's discovery, from the stream's durable state. */
const ordersParams = z.object({
  /** Highest order id already loaded (0 = nothing yet) and the list position it had (paging.total then). */
  highWaterId: z.number().int().nonnegative(),
  highWaterPosition: z.number().int().nonnegative(),
  /** Changed orders: re-read everything updated at or after this instant (watermark − look-back). */
  changedSince: z.string().nullable(),
  /** Where the fallback tail walk for changed orders starts (list position of the first order in the look-back). */
  changedFallbackPosition: z.number().int().nonnegative(),
  /** Rolling re-walk slice, used only when the server ignores the changed-orders filter. */
  rewalkFrom: z.number().int().positive().default(1),
  /** Share of the whole list to re-read this run (time since the last run / ORDERS_REWALK_PERIOD), and its cap. */
  rewalkShare: z.number().min(0).max(1).default(0),
  rewalkMaxPages: z.number().int().nonnegative().default(0),
});
type OrdersParams = z.output<typeof ordersParams>;

/** The orders stream's scheduler settings. */
export const ORDERS_SETTINGS = {
  LOOKBACK_ORDERS: durationSetting.default(48 * 3_600_000),
  // Servers that ignore filters: every incremental run also re-reads a slice of older pages, the whole list once per
  // period (126,000 orders = 2,520 pages: ~35 pages per 5-minute run, ~2 % of 5 requests/s).
  ORDERS_REWALK_PERIOD: durationSetting.default(6 * 3_600_000),
  ORDERS_REWALK_MAX_PAGES: intFromEnv(0, 100_000).default(200),
};
type OrdersSettings = SettingsOf<typeof ORDERS_SETTINGS>;

/** The stream cursor of orders: where the next rolling re-walk slice starts. */
const cursorSchema = z.object({ rewalkPage: z.number().int().positive() });
export const readCursor = (cursor: string): { rewalkPage: number } => {
  try {
    return cursorSchema.parse(JSON.parse(cursor));
  } catch {
    return { rewalkPage: 1 };
  }
};

/**
 * Pages of the rolling re-walk this run: the share of the whole list that the time since the last run represents in
 * ORDERS_REWALK_PERIOD (so the whole history is re-read once per period whatever the schedule), at most the budget.
 */
export function rewalkPages(lastPage: number, share: number, maxPages: number): number {
  if (share <= 0 || lastPage <= 0) return 0;
  return Math.min(maxPages, lastPage, Math.max(1, Math.ceil(lastPage * Math.min(1, share))));
}

async function prepare(ctx: PrepareContext<OrdersSettings>): Promise<OrdersParams> {
  const { state } = ctx;
  let changedSince: string | null = null;
  let changedFallbackPosition = state.pagingTotal;
  if (ctx.mode === 'incremental' && state.watermark) {
    changedSince = new Date(Date.parse(state.watermark) - ctx.config.LOOKBACK_ORDERS).toISOString();
    const firstId = await firstOrderCreatedSince(ctx.clickhouse, changedSince);
    if (firstId !== null) changedFallbackPosition = await ordersBelow(ctx.clickhouse, firstId);
  }
  const cfg = ctx.config;
  const sinceLast = state.lastSuccessAt ? ctx.now.getTime() - Date.parse(state.lastSuccessAt) : cfg.ORDERS_REWALK_PERIOD;
  const share = cfg.ORDERS_REWALK_PERIOD > 0 ? Math.min(1, Math.max(0, sinceLast) / cfg.ORDERS_REWALK_PERIOD) : 0;
  return {
    highWaterId: state.highWaterId,
    highWaterPosition: state.pagingTotal,
    changedSince,
    changedFallbackPosition,
    rewalkFrom: readCursor(state.cursor).rewalkPage,
    rewalkShare: ctx.mode === 'incremental' ? share : 0,
    rewalkMaxPages: cfg.ORDERS_REWALK_MAX_PAGES,
  };
}

/**
 * Asks the server whether it honours a filter (contract §4.4: never trust it blindly). Honoured means every row of
 * the first page matches; an empty result counts as honoured, since a server ignoring the filter returns rows.
 */
async function probeFilter(ctx: DiscoverContext, where: Condition[], log: Logger): Promise<{ where: Condition[]; total: number } | null> {
  const page = await ctx.readPage({ page: 1, where, orderBy: { id: 'asc' } });
  const check = ctx.verifyFilter(page.data, where);
  if (!check.honoured) {
    log.warn({ where, violations: check.violations }, 'server ignored the filter: falling back to the id-ascending tail walk');
    return null;
  }
  return { where, total: page.paging.total };
}

async function discover(ctx: DiscoverContext): Promise<{ units: PlannedPage[]; paging: { total: number; perPage: number }; cursor?: string }> {
  const p = ordersParams.parse(ctx.params);
  const first = await ctx.readPage({ page: 1 });
  const paging = { total: first.paging.total, perPage: first.paging.perPage };
  if (ctx.mode === 'backfill') return { units: await planBackfill(ctx, paging), paging };
  const incremental = ctx.mode === 'incremental' && p.highWaterId > 0;
  const newFiltered = incremental ? await probeFilter(ctx, [{ column: 'id', operator: '>', value: p.highWaterId }], ctx.log) : null;
  const changedFiltered =
    incremental && p.changedSince ? await probeFilter(ctx, [{ column: 'updated_at', operator: '>=', value: toApiTimestamp(p.changedSince) }], ctx.log) : null;
  const slice = rewalkPages(lastPageOf(paging.total, paging.perPage), p.rewalkShare, p.rewalkMaxPages);
  const rewalk = incremental && p.changedSince && !changedFiltered && slice > 0 ? { from: p.rewalkFrom, pages: slice } : undefined;
  const pages = planPages({
    ...(rewalk ? { rewalk } : {}),
    mode: ctx.mode === 'incremental' ? 'incremental' : 'reconcile',
    ...paging,
    highWaterId: p.highWaterId,
    highWaterPosition: p.highWaterPosition,
    newFiltered,
    changedSince: incremental ? p.changedSince : null,
    changedFiltered,
    changedFallbackPosition: p.changedFallbackPosition,
  });
  ctx.log.info({ newFiltered: !!newFiltered, changedFiltered: !!changedFiltered, rewalk }, 'filters probed');
  if (!rewalk) return { units: pages, paging };
  const next = rewalkSlice(rewalk.from, rewalk.pages, lastPageOf(paging.total, paging.perPage)).next;
  return { units: pages, paging, cursor: JSON.stringify({ rewalkPage: next }) };
}

const numericId = (r: unknown): number | null => {
  const id = typeof r === 'object' && r !== null ? (r as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? id : null;
};

/**
 * Tail walk of the unfiltered id-ascending list: if every id on the first tail page is above the high-water id
 * (`meta.stopBelowId`), the list shifted and the page before may hold orders not seen yet, so it is read too (and
 * checked the same way).
 */
export function tailWalk(ctx: AfterPageContext): PlannedPage[] {
  const stop = ctx.unit.meta?.stopBelowId;
  if (typeof stop !== 'number' || ctx.unit.page <= 1) return [];
  const ids = ctx.data.map(numericId).filter((id): id is number => id !== null);
  if (ids.length === 0 || Math.min(...ids) <= stop) return [];
  return [{ ...ctx.unit, page: ctx.unit.page - 1 }];
}

/** Backfill: the window filter when the server honours it, else a binary search of the id-ascending list. */
async function planBackfill(ctx: DiscoverContext, paging: { total: number; perPage: number }): Promise<PlannedPage[]> {
  const window = ctx.window as { from: string; to: string };
  const filtered = await probeFilter(ctx, windowWhere(toApiTimestamp(window.from), toApiTimestamp(window.to)), ctx.log);
  if (filtered) {
    const pages: PlannedPage[] = [];
    for (let page = 1; page <= lastPageOf(filtered.total, paging.perPage); page++)
      pages.push({ query: 'window', page, where: filtered.where, orderBy: { id: 'asc' } });
    return pages;
  }
  return searchWindowPages(ctx.api, { fromMs: Date.parse(window.from), toMs: Date.parse(window.to) }, paging);
}

/**
 * Orders: new ones by high-water id (`id > hw` when the server honours it, else the id-ascending tail), changed ones
 * by `updated_at >= watermark − LOOKBACK_ORDERS` (else the tail from the first order created in the look-back), the
 * whole list on the first load and on reconciliation, bounded creation windows for backfills.
 */
export const ordersSync: SyncStrategy<OrdersSettings> = {
  cursor: cursorSchema,
  afterPage: tailWalk,
  modes: ['incremental', 'reconcile', 'backfill'],
  prepare,
  discover,
  advance(prev, run, now) {
    const advancedHw = run.maxId >= prev.highWaterId;
    const prevWatermarkMs = prev.watermark ? Date.parse(prev.watermark) : 0;
    return {
      ...prev,
      highWaterId: Math.max(prev.highWaterId, run.maxId),
      pagingTotal: advancedHw ? run.total : prev.pagingTotal,
      watermark: run.maxUpdatedAtMs > prevWatermarkMs ? new Date(run.maxUpdatedAtMs).toISOString() : prev.watermark,
      cursor: run.cursor ?? prev.cursor,
      lastRunId: run.runId,
      lastSuccessAt: now.toISOString(),
    };
  },
};

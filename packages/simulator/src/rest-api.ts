import { basketIdOfBarcode } from './barcodes.ts';
import { apiJson, htmlNotFound, type Reply, resourceNotFound, unknownError, wrongAuthorization } from './http-response.ts';
import type { SimRequest } from './http-server.ts';
import { orderColumns } from './orders.columns.ts';
import type { Order } from './orders.model.ts';
import { clientRecord } from './orders.view.ts';
import { barcodeList, flatSeats, hasBarcode, hierarchicalSeats, occupancy, scanInfo } from './seats.view.ts';
import { listParams, type SimContext } from './sim-context.ts';
import { compileOrderBy, compileWhere, parsePage, QueryError, recordColumns } from './where-filter.ts';

/** REST v1 (contract §3–§5, §8): routing, auth, list paging and the per-resource handlers. */

export const PER_PAGE = { orders: 50, events: 10, clients: 100, discounts: 100, promoCodes: 500 } as const;

type Route = { read: (ctx: SimContext, req: SimRequest) => Reply } | { writeOnly: true };

/** PHP's (int) cast of a path segment: leading digits, else 0 (`/discounts/colors` → id 0, Q19). */
const phpInt = (s: string): number => {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number(m[0]) : 0;
};

function route(segments: string[]): Route | null {
  const [a, b, c, d, ...rest] = segments;
  if (rest.length > 0) return null;
  if (a === 'orders' && b === undefined) return { read: listOrders };
  if (a === 'orders' && b !== undefined && c === undefined) return /^\d+$/.test(b) ? { read: (x) => singleOrder(x, Number(b)) } : null;
  if (a === 'orders' && b !== undefined && /^\d+$/.test(b) && (c === 'baskets' || c === 'restore') && d === undefined) return { writeOnly: true };
  if (a === 'baskets' && b !== undefined && c === undefined) return { writeOnly: true };
  if (a === 'events' && b === undefined) return { read: (x, r) => listStatic(x, r, x.statics().events, PER_PAGE.events) };
  if (a === 'events' && b !== undefined && c === undefined) return { read: (x) => singleStatic(x.statics().events, phpInt(b), 'Event') };
  if (a === 'discounts' && b === undefined) return { read: (x, r) => listStatic(x, r, x.statics().discounts, PER_PAGE.discounts) };
  if (a === 'discounts' && b !== undefined && c === undefined) return { read: (x) => singleStatic(x.statics().discounts, phpInt(b), 'Discount') };
  if (a === 'promo-codes' && b === undefined) return { read: (x, r) => listStatic(x, r, x.statics().promoCodes, PER_PAGE.promoCodes) };
  if (a === 'promo-codes' && b !== undefined && c === undefined) return { read: (x) => singleStatic(x.statics().promoCodes, phpInt(b), 'PromoCode') };
  if (a === 'clients' && b === undefined) return { read: listClients };
  if (a === 'clients' && b !== undefined && c === undefined) return { read: (x) => singleClient(x, phpInt(b)) };
  if (a === 'color-themes' && b === undefined) return { read: (x) => apiJson(200, { data: x.statics().colorThemes }) };
  if (a === 'shows' && b !== undefined && c === 'seats' && d === undefined) return { read: (x, r) => seats(x, r, phpInt(b)) };
  if (a === 'shows' && b !== undefined && c === 'barcodes' && d === undefined) return { read: (x, r) => barcodes(x, r, phpInt(b)) };
  if (a === 'shows' && b !== undefined && c === 'barcode' && d !== undefined) return { read: (x) => barcode(x, phpInt(b), d) };
  return null;
}

/** Handles a request under /api/rest/v1 (`rest` = the path after it). Faults are applied by the caller. */
export function handleRest(ctx: SimContext, req: SimRequest, rest: string): Reply {
  const r = route(rest.split('/').filter((s) => s !== ''));
  const isRead = req.method === 'GET' || req.method === 'HEAD';
  if (!r || ('writeOnly' in r && isRead)) return htmlNotFound();
  if (!ctx.bearerOk(req, ctx.token)) return wrongAuthorization();
  // POST /orders is always 503 (Q3); every other write is refused the same way and never mutates anything (INF).
  if (!isRead || 'writeOnly' in r) return unknownError(0);
  try {
    return r.read(ctx, req);
  } catch (err) {
    if (err instanceof QueryError) return unknownError(0);
    throw err;
  }
}

function paging(perPage: number, currentPage: number, total: number) {
  return { perPage, currentPage, total };
}

function queryParams(ctx: SimContext, req: SimRequest): { where: unknown; orderBy: unknown; page: number } {
  const p = listParams(req, ['where', 'orderBy', 'page']);
  const ignore = ctx.faults.get().ignoreWhere;
  return { where: ignore ? undefined : p.where, orderBy: ignore ? undefined : p.orderBy, page: parsePage(p.page) };
}

function listOrders(ctx: SimContext, req: SimRequest): Reply {
  const { where, orderBy, page } = queryParams(ctx, req);
  const world = ctx.world;
  const n = world.visibleCount();
  const view = ctx.view();
  const per = PER_PAGE.orders;
  let rows: Order[];
  let total: number;
  if ((where === undefined || where === null) && (orderBy === undefined || orderBy === null || orderBy === '')) {
    total = n;
    rows = world.orders.slice(Math.min(n, (page - 1) * per), Math.min(n, page * per));
  } else {
    const cols = orderColumns(view);
    const pred = compileWhere(where, cols);
    const cmp = compileOrderBy(orderBy, cols, (o) => o.id);
    const key = `${JSON.stringify([where, orderBy])}|${world.t}|${n}`;
    const all = ctx.cachedOrders(key, () => {
      const out: Order[] = [];
      for (let i = 0; i < n; i++) {
        const o = world.orders[i] as Order;
        if (!pred || pred(o)) out.push(o);
      }
      return cmp ? out.sort(cmp) : out;
    });
    total = all.length;
    rows = all.slice((page - 1) * per, page * per);
  }
  return apiJson(200, { data: rows.map((o) => ctx.orderRecord(o, false, view)), paging: paging(per, page, total) });
}

function singleOrder(ctx: SimContext, id: number): Reply {
  const o = ctx.world.findOrder(id);
  return o ? apiJson(200, { data: ctx.orderRecord(o, true) }) : resourceNotFound('Order', id);
}

function listStatic(ctx: SimContext, req: SimRequest, records: Record<string, unknown>[], per: number): Reply {
  const { where, orderBy, page } = queryParams(ctx, req);
  const cols = recordColumns(records);
  const pred = compileWhere(where, cols);
  const cmp = compileOrderBy(orderBy, cols, (r) => r.id as number);
  let rows = pred ? records.filter(pred) : records;
  if (cmp) rows = [...rows].sort(cmp);
  return apiJson(200, { data: rows.slice((page - 1) * per, page * per), paging: paging(per, page, rows.length) });
}

function singleStatic(records: Record<string, unknown>[], id: number, resource: string): Reply {
  const rec = records.find((r) => r.id === id);
  return rec ? apiJson(200, { data: rec }) : resourceNotFound(resource, id);
}

function listClients(ctx: SimContext, req: SimRequest): Reply {
  const { where, orderBy, page } = queryParams(ctx, req);
  const n = ctx.world.visibleClientCount();
  const per = PER_PAGE.clients;
  const toRecord = (i: number) => {
    const c = ctx.world.clients[i];
    return c ? clientRecord(c.id, c.detailsId, c.person) : {};
  };
  if ((where === undefined || where === null) && (orderBy === undefined || orderBy === null || orderBy === '')) {
    const data: Record<string, unknown>[] = [];
    for (let i = (page - 1) * per; i < Math.min(n, page * per); i++) data.push(toRecord(i));
    return apiJson(200, { data, paging: paging(per, page, n) });
  }
  const records = Array.from({ length: n }, (_, i) => toRecord(i));
  return listStatic(ctx, req, records, per);
}

function singleClient(ctx: SimContext, id: number): Reply {
  const n = ctx.world.visibleClientCount();
  const c = ctx.world.clients.slice(0, n).find((x) => x.id === id);
  return c ? apiJson(200, { data: clientRecord(c.id, c.detailsId, c.person) }) : resourceNotFound('Client', id);
}

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

function seats(ctx: SimContext, req: SimRequest, showId: number): Reply {
  const show = ctx.world.findShow(showId);
  if (!show) return resourceNotFound('Show', showId);
  const p = listParams(req, ['flat']);
  if (!truthy(p.flat) || ctx.faults.get().ignoreFlat) return apiJson(200, hierarchicalSeats(show));
  const t = ctx.world.t;
  return apiJson(
    200,
    flatSeats(
      show,
      occupancy(show, t, () => true),
    ),
  );
}

function barcodes(ctx: SimContext, req: SimRequest, showId: number): Reply {
  const show = ctx.world.findShow(showId);
  if (!show) return resourceNotFound('Show', showId);
  const p = listParams(req, ['select']);
  return apiJson(200, barcodeList(show, ctx.world.t, ctx.seed, p.select));
}

function barcode(ctx: SimContext, showId: number, code: string): Reply {
  const show = ctx.world.findShow(showId);
  if (!show) return resourceNotFound('Show', showId);
  const id = basketIdOfBarcode(ctx.seed, code);
  const b = id === null ? undefined : ctx.world.findBasket(id);
  if (!b || b.show !== show || !hasBarcode(b, ctx.world.t)) return resourceNotFound('Barcode', code);
  return apiJson(200, scanInfo(b, ctx.world.t, ctx.seed));
}

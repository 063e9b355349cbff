import { createHash } from 'node:crypto';
import { barcodeOf, basketIdOfBarcode } from './barcodes.ts';
import type { Event, Show, Zone } from './catalog.model.ts';
import { priceKop, seatPriceId } from './catalog.model.ts';
import { apiJson, htmlNotFound, type Reply } from './http-response.ts';
import type { SimRequest } from './http-server.ts';
import { kopToNumber } from './money.ts';
import type { Basket } from './orders.model.ts';
import { holderOf, seatIdOf } from './orders.view.ts';
import { isPartnerOrder, partnerBasketsOfEvent, partnerIdIsString, partnerTicketDeleted, partnerTicketPaid } from './partners.model.ts';
import { type Occupancy, occupancy, seatCoords } from './seats.view.ts';
import type { SimContext } from './sim-context.ts';
import { formatTs } from './time.ts';

/**
 * Partners API v1 (contract §6, DOC): GET or POST, parameters in the query string or the body, HTTP 200 always,
 * `status: "success"` or `{status: "error", code, message}`. Timestamps use the venue's local offset. Implemented:
 * events/lists, tickets/find, tickets/check; other documented methods answer UNKNOWN_ERROR, writes never mutate.
 * Tickets "issued by the partner" are the baskets of ~5% of orders (deterministic, see partners.model.ts).
 * tickets/find/{event_id}[/{show_id}] without a filter lists every partner ticket of that event (show) — the
 * simulator's reading of an optional filter; without an event in the path the filter stays required.
 */

const error = (code: string, message: string): Reply => apiJson(200, { status: 'error', code, message });

export function handlePartners(ctx: SimContext, req: SimRequest, rest: string): Reply {
  const [group, method, a, b, ...more] = rest.split('/').filter((s) => s !== '');
  const known =
    (group === 'events' && ['lists', 'seatmap', 'offers', 'seats'].includes(method ?? '')) ||
    (group === 'tickets' && ['find', 'check', 'add', 'update', 'remove'].includes(method ?? ''));
  if (!known || more.length > 0) return htmlNotFound();
  if (!ctx.bearerOk(req, ctx.partnersToken)) return error('WRONG_AUTHORIZATION', 'Wrong authorization');
  const params = partnerParams(req);
  if (group === 'events' && method === 'lists') return eventsList(ctx);
  if (group === 'tickets' && method === 'find') return ticketsFind(ctx, params, a, b);
  if (group === 'tickets' && method === 'check') return ticketsCheck(ctx, params, a, b);
  return error('UNKNOWN_ERROR', `${group}/${method} is not available in the simulator`);
}

/** Body fields over query fields; the query may carry JSON strings or PHP brackets (`filter[id][]=1`). */
function partnerParams(req: SimRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of req.queryAll) {
    const m = /^([^[\]]+)\[([^[\]]*)\](\[\])?$/.exec(k);
    if (m) {
      const [, top = '', sub = '', arr] = m;
      if (typeof out[top] !== 'object' || out[top] === null) out[top] = {};
      const obj = out[top] as Record<string, unknown>;
      if (arr || sub === '') {
        const key = sub === '' ? top : sub;
        const target = sub === '' ? out : obj;
        target[key] = [...(Array.isArray(target[key]) ? (target[key] as unknown[]) : []), v];
      } else obj[sub] = v;
      continue;
    }
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) Object.assign(out, req.body);
  return out;
}

function eventHeader(e: Event, s: Show, occ: Occupancy): Record<string, unknown> {
  const off = e.city.offsetHours;
  return {
    event_id: e.id,
    show_id: s.id,
    event_name: e.name,
    start_date: formatTs(s.startAt, off),
    finish_date: formatTs(s.finishAt, off),
    scheme: {
      id: e.schemeId,
      venue_id: 4400 + (e.schemeId % 100),
      place_name: e.venue.name,
      place_address: e.venue.address,
      place_description: '',
      width: 1200,
      height: 900,
    },
    city: { id: e.city.id, name: e.city.name, timezone: e.city.timezone, coords: e.city.coords },
    last_update_hash: lastUpdateHash(s, occ),
  };
}

function lastUpdateHash(s: Show, occ: Occupancy): string {
  const state = [...occ.seats.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => `${k}${v[0]}`);
  return createHash('sha1')
    .update(`${s.id}|${state.join(',')}|${occ.admissionPaid.join(',')}|${occ.admissionPending.join(',')}`)
    .digest('hex');
}

function eventsList(ctx: SimContext): Reply {
  const t = ctx.world.t;
  const result = ctx.world
    .listedEvents()
    .filter((e) => e.deletedAt === null)
    .flatMap((e) =>
      e.shows
        .filter((s) => s.finishAt > t && s.deletedAt === null)
        .map((s) => {
          const { event_id, show_id, event_name, start_date, finish_date, scheme, city, last_update_hash } = eventHeader(
            e,
            s,
            occupancy(s, t, () => true),
          );
          return {
            event_id,
            show_id,
            event_name,
            start_date,
            finish_date,
            scheme,
            city,
            event_type: { id: e.kind.length, name: e.kind },
            age: e.age,
            fanid_required: false,
            has_document_verification: false,
            integrations: [],
            last_update_hash,
          };
        }),
    );
  return apiJson(200, { status: 'success', result });
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function ticketsFind(ctx: SimContext, params: Record<string, unknown>, eventId?: string, showId?: string): Reply {
  const filter = params.filter;
  const w = ctx.world;
  const t = w.t;
  const noFilter = filter === undefined || filter === null || filter === '' || (typeof filter === 'object' && Object.keys(filter).length === 0);
  if (noFilter && eventId !== undefined) {
    const event = w.findEvent(Number(eventId));
    if (!event) return error('EVENT_NOT_FOUND', `Event "${eventId}" not found`);
    const baskets = partnerBasketsOfEvent(w, event, showId === undefined ? undefined : Number(showId));
    return apiJson(200, { status: 'success', result: baskets.map((b) => partnerTicket(ctx, b, t)) });
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter) || Object.keys(filter).length === 0) {
    return error('VALIDATION_ERROR', 'filter is required');
  }
  const f = filter as Record<string, unknown>;
  const found = new Map<number, Basket>();
  const addBasket = (b: Basket | undefined) => {
    if (b && isPartnerOrder(ctx.seed, b.order)) found.set(b.id, b);
  };
  for (const id of asList(f.id)) addBasket(w.findBasket(Number(id)));
  for (const code of asList(f.barcode)) {
    const id = basketIdOfBarcode(ctx.seed, code);
    if (id !== null) addBasket(w.findBasket(id));
  }
  for (const ext of asList(f.external_id)) addBasket(/^ext-t-\d+$/.test(ext) ? w.findBasket(Number(ext.slice(6))) : undefined);
  for (const ext of asList(f.external_order_id)) {
    const o = /^ext-o-\d+$/.test(ext) ? w.findOrder(Number(ext.slice(6))) : undefined;
    for (const b of o?.baskets ?? []) addBasket(b);
  }
  const result = [...found.values()]
    .filter((b) => (eventId === undefined || b.order.event.id === Number(eventId)) && (showId === undefined || b.show.id === Number(showId)))
    .sort((x, y) => x.id - y.id)
    .map((b) => partnerTicket(ctx, b, t));
  return apiJson(200, { status: 'success', result });
}

function partnerTicket(ctx: SimContext, b: Basket, t: number): Record<string, unknown> {
  const o = b.order;
  const off = o.event.city.offsetHours;
  const zone = b.show.zones[b.zoneIdx] as Zone;
  const paid = partnerTicketPaid(b, t);
  const holder = holderOf(ctx.seed, b);
  const deleted = partnerTicketDeleted(b, t);
  return {
    id: partnerIdIsString(ctx.seed, b.id, ctx.faults.get().partnerStringIdRate) ? String(b.id) : b.id,
    paid: paid ? 1 : 0,
    paid_at: paid ? formatTs(o.paidAt as number, off) : null,
    seat_id: seatIdOf(b),
    offer_id: zone.admission ? '' : 'full',
    admission: zone.admission,
    reserved_to: formatTs(o.reservedTo, off),
    external_id: `ext-t-${b.id}`,
    external_order_id: `ext-o-${o.id}`,
    barcode: paid ? barcodeOf(ctx.seed, b.id) : null,
    price: kopToNumber(b.priceKop),
    client_email: holder.email,
    client_phone: holder.phone,
    client_name: holder.name,
    client_surname: holder.surname,
    client_middlename: holder.middlename,
    deleted: deleted ? 1 : 0,
  };
}

function ticketsCheck(ctx: SimContext, params: Record<string, unknown>, eventId?: string, showId?: string): Reply {
  const e = ctx.world.findEvent(Number(eventId));
  if (!e || e.deletedAt !== null) return error('EVENT_NOT_FOUND', `Event "${eventId ?? ''}" not found`);
  let show: Show | undefined;
  if (showId !== undefined) show = e.shows.find((s) => s.id === Number(showId));
  else if (e.shows.length === 1) show = e.shows[0];
  else return error('VALIDATION_ERROR', 'show_id is required for an event with several shows');
  if (!show) return error('EVENT_NOT_FOUND', `Show "${showId ?? ''}" not found`);
  const t = ctx.world.t;
  const occ = occupancy(show, t, () => true);
  const one = (seatId: unknown, offerId: unknown): Record<string, unknown> | Reply => {
    const parsed = typeof seatId === 'string' ? /^(.+)-(\d+);(\d+)$/.exec(seatId) : null;
    const zi = parsed ? (show as Show).zones.findIndex((z) => z.key === parsed[1]) : -1;
    const zone = (show as Show).zones[zi];
    const row = Number(parsed?.[2]);
    const place = Number(parsed?.[3]);
    if (!zone || row < 1 || row > zone.rows || place < 1 || place > zone.places) return error('SEAT_NOT_FOUND', `Seat "${String(seatId)}" not found`);
    const available = zone.admission
      ? zone.capacity - (occ.admissionPaid[zi] ?? 0) - (occ.admissionPending[zi] ?? 0) > 0
      : !occ.seats.has(zone.seatOffset + (row - 1) * zone.places + (place - 1));
    return {
      seat_id: seatId,
      offer_id: typeof offerId === 'string' ? offerId : zone.admission ? '' : 'full',
      available,
      coords: seatCoords(zone, zi, row, place),
      row,
      place,
      price: kopToNumber(priceKop(show as Show, seatPriceId(zone, row))),
      currency_id: 'RUB',
    };
  };
  const isReply = (x: Record<string, unknown> | Reply): x is Reply => typeof (x as Reply).contentType === 'string';
  let result: unknown;
  if (Array.isArray(params.batch)) {
    const items = (params.batch as Record<string, unknown>[]).map((it) => one(it?.seat_id, it?.offer_id));
    const failed = items.find(isReply);
    if (failed) return failed;
    result = items;
  } else {
    if (params.seat_id === undefined) return error('VALIDATION_ERROR', 'seat_id or batch is required');
    const item = one(params.seat_id, params.offer_id);
    if (isReply(item)) return item;
    result = item;
  }
  return apiJson(200, { ...eventHeader(e, show, occ), status: 'success', result });
}

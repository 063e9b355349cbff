import { applicableDiscounts } from './catalog.discounts.ts';
import { type Catalog, type Event, priceKop, type Show, seatPriceId, type Zone } from './catalog.model.ts';
import { percentOf } from './money.ts';
import { BOX_OFFICE, type Client, makePerson } from './people.model.ts';
import { createRng, hash32, type Rng } from './random.ts';
import { DAY, HOUR, MINUTE } from './time.ts';

/**
 * An order is generated once, with its whole planned timeline (creation, payment or cancellation, refund, scans).
 * What the API shows at clock T is that timeline with every event at or before T applied (see order-state.ts).
 */

export type Basket = {
  id: number;
  order: Order;
  show: Show;
  zoneIdx: number;
  row: number;
  place: number;
  originalKop: number;
  discountKop: number;
  priceKop: number;
  quantity: number;
  createdAt: number;
  /** Part of the order's refund (applied at order.refundAt). */
  refunded: boolean;
  deductionKop: number;
  checkedAt: number | null;
  /** Ticket holder differs from the buyer (Q22). */
  otherHolder: boolean;
};

export type Order = {
  id: number;
  seq: number;
  client: Client;
  event: Event;
  createdAt: number;
  reservedTo: number;
  reserveExtended: boolean;
  paidAt: number | null;
  cancelAt: number | null;
  refundAt: number | null;
  refundId: number;
  discountId: number | null;
  promoCodeId: number | null;
  backOffice: boolean;
  baskets: Basket[];
};

export type Counters = { orderId: number; basketId: number; clientId: number; detailsId: number; refundId: number; seq: number; lastCreatedAt: number };

export const RESERVATION = DAY;

type Seat = { zoneIdx: number; row: number; place: number };

export class OrderFactory {
  readonly seed: number;
  readonly catalog: Catalog;
  readonly clients: Client[];
  readonly counters: Counters;
  boxOffice: Client | null = null;

  constructor(seed: number, catalog: Catalog, clients: Client[], counters: Counters) {
    this.seed = seed;
    this.catalog = catalog;
    this.clients = clients;
    this.counters = counters;
  }

  /** Creates the order placed at instant t (t > previous order's created_at), or null when nothing is on sale. */
  create(t: number): Order | null {
    const c = this.counters;
    const r = createRng(hash32(this.seed, c.seq, 0x0bde));
    const backOffice = r.chance(0.03);
    const k = weighted(r, [0.45, 0.35, 0.12, 0.08]) + 1;
    const earliest = Math.max(c.lastCreatedAt + 1, t - r.int(5, 8 * MINUTE));
    const placed = this.place(r, t, earliest, k);
    if (!placed) return null;
    c.seq++;
    c.lastCreatedAt = t;
    c.orderId += r.int(1, 3);
    const order: Order = {
      id: c.orderId,
      seq: c.seq,
      client: backOffice ? this.boxOfficeClient(t) : this.pickClient(r, t),
      event: placed.event,
      createdAt: t,
      reservedTo: t + RESERVATION,
      reserveExtended: r.chance(0.04),
      paidAt: null,
      cancelAt: null,
      refundAt: null,
      refundId: 0,
      discountId: null,
      promoCodeId: null,
      backOffice,
      baskets: [],
    };
    this.chooseDiscount(r, order, placed.shows);
    const discountPercent = order.discountId === null ? 0 : (this.catalog.discounts.find((d) => d.id === order.discountId)?.percent ?? 0);
    const otherHolder = r.chance(0.15);
    placed.items.forEach((item, i) => {
      c.basketId += r.chance(0.1) ? r.int(2, 6) : 1;
      const zone = item.show.zones[item.seat.zoneIdx] as Zone;
      const originalKop = priceKop(item.show, seatPriceId(zone, item.seat.row));
      const discountKop = percentOf(originalKop, discountPercent);
      const basket: Basket = {
        id: c.basketId,
        order,
        show: item.show,
        zoneIdx: item.seat.zoneIdx,
        row: item.seat.row,
        place: item.seat.place,
        originalKop,
        discountKop,
        priceKop: originalKop - discountKop,
        quantity: 1,
        createdAt: earliest + Math.floor(((t - earliest) * i) / placed.items.length),
        refunded: false,
        deductionKop: 0,
        checkedAt: null,
        otherHolder: otherHolder && (placed.items.length === 1 || i > 0),
      };
      order.baskets.push(basket);
      item.show.baskets.push(basket);
    });
    this.planTimeline(r, order);
    this.holdSeats(order);
    return order;
  }

  private place(r: Rng, t: number, earliest: number, k: number): { event: Event; shows: Show[]; items: { show: Show; seat: Seat }[] } | null {
    const { shows, weights } = this.onSale(t);
    const open = shows.map((s) => hasRoom(s, k));
    // until every show on sale is ruled out: an order is dropped only when nothing at all has room
    for (;;) {
      const w = weights.map((x, i) => (open[i] ? x : 0));
      if (!w.some((x) => x > 0)) return null;
      const idx = weighted(r, w);
      const show = shows[idx] as Show;
      const event = this.catalog.eventById.get(show.eventId) as Event;
      const siblings = k >= 2 ? shows.filter((s, i) => s.eventId === event.id && s !== show && open[i]) : [];
      const split = siblings.length > 0 && r.chance(0.08);
      const second = split ? r.pick(siblings) : null;
      const firstCount = second ? Math.ceil(k / 2) : k;
      const a = allocate(r, show, firstCount, earliest);
      const b = second && a ? allocate(r, second, k - firstCount, earliest) : [];
      if (a && b) {
        const items = [...a.map((seat) => ({ show, seat })), ...b.map((seat) => ({ show: second as Show, seat }))];
        return { event, shows: second ? [show, second] : [show], items };
      }
      open[idx] = false;
    }
  }

  private onSaleCache: { hour: number; size: number; shows: Show[]; weights: number[] } = { hour: Number.NaN, size: 0, shows: [], weights: [] };

  /** Shows on sale during the hour of t, with their appeal (cached per hour and catalogue size). */
  private onSale(t: number): { shows: Show[]; weights: number[] } {
    const hour = Math.floor(t / HOUR);
    if (this.onSaleCache.hour !== hour || this.onSaleCache.size !== this.catalog.shows.length) {
      const from = hour * HOUR;
      const shows = this.catalog.shows.filter((s) => s.deletedAt === null && s.isActive === 1 && s.sellFrom <= from && from + HOUR <= s.saleFinishAt);
      const weights = shows.map((s) => (this.catalog.eventById.get(s.eventId)?.popularity ?? 1) * showAppeal(s, from));
      this.onSaleCache = { hour, size: this.catalog.shows.length, shows, weights };
    }
    return this.onSaleCache;
  }

  private pickClient(r: Rng, t: number): Client {
    if (this.clients.length === 0 || r.chance(0.65)) return this.newClient(t, (n) => makePerson(this.seed, 1, n));
    return this.clients[r.int(0, this.clients.length - 1)] as Client;
  }

  private boxOfficeClient(t: number): Client {
    if (!this.boxOffice) this.boxOffice = this.newClient(t, () => BOX_OFFICE);
    return this.boxOffice;
  }

  private newClient(t: number, person: (n: number) => Client['person']): Client {
    const c = this.counters;
    c.clientId += 1 + (hash32(this.seed, c.clientId, 3) % 60);
    c.detailsId += 1 + (hash32(this.seed, c.detailsId, 4) % 40);
    const idx = this.clients.length;
    const client: Client = { idx, id: c.clientId, detailsId: c.detailsId, firstSeenAt: t, person: person(idx) };
    this.clients.push(client);
    return client;
  }

  private chooseDiscount(r: Rng, order: Order, shows: Show[]): void {
    if (order.backOffice || !r.chance(0.12)) return;
    const options = applicableDiscounts(this.catalog, order.event, order.createdAt).filter(
      (d) => d.showIds.length === 0 || shows.every((s) => d.showIds.includes(s.id)),
    );
    const invites = options.filter((d) => d.percent === 100);
    const regular = options.filter((d) => d.percent < 100);
    const pool = invites.length > 0 && (regular.length === 0 || r.chance(0.1)) ? invites : regular;
    if (pool.length === 0) return;
    const d = r.pick(pool);
    const codes = this.catalog.promoCodes.filter((p) => p.discountId === d.id && p.isActive === 1 && p.deletedAt === null);
    const withCode = codes.length > 0 && (d.percent === 100 || r.chance(0.75));
    if (d.percent === 100 && !withCode) return;
    order.discountId = d.id;
    order.promoCodeId = withCode ? r.pick(codes).id : null;
  }

  private planTimeline(r: Rng, o: Order): void {
    const paid = o.backOffice || r.chance(0.82);
    if (!paid) {
      o.cancelAt = o.reservedTo + r.int(0, 20 * MINUTE); // the expiry sweep runs a little after reserved_to
      return;
    }
    const u = r.next();
    const delay = o.backOffice ? r.int(10, 60) : u < 0.7 ? r.int(30, 30 * MINUTE) : u < 0.95 ? r.int(30 * MINUTE, 6 * HOUR) : r.int(6 * HOUR, 23 * HOUR);
    o.paidAt = o.createdAt + delay;
    const showStart = Math.min(...o.baskets.map((b) => (o.event.kind === 'exhibition' ? b.show.finishAt : b.show.startAt)));
    if (r.chance(0.05)) {
      const from = o.paidAt + HOUR;
      const to = Math.min(showStart - 2 * HOUR, o.paidAt + 14 * DAY);
      if (to > from) {
        o.refundAt = from + r.int(0, to - from);
        this.counters.refundId += r.int(1, 9);
        o.refundId = this.counters.refundId;
        const partial = o.baskets.length > 1 && r.chance(0.5);
        const deductionPercent = r.chance(0.5) ? 10 : 0;
        const chosen = partial ? o.baskets.map(() => r.chance(0.5)) : o.baskets.map(() => true);
        if (partial && chosen.every(Boolean)) chosen[0] = false;
        if (partial && !chosen.some(Boolean)) chosen[chosen.length - 1] = true;
        o.baskets.forEach((b, i) => {
          b.refunded = chosen[i] === true;
          if (b.refunded) b.deductionKop = percentOf(b.priceKop, deductionPercent);
        });
      }
    }
    const after = Math.max(o.paidAt, o.refundAt ?? 0);
    for (const b of o.baskets) {
      if (b.refunded || !r.chance(0.75)) continue;
      if (o.event.kind === 'exhibition') {
        const visit = Math.max(after, b.show.startAt) + r.int(HOUR, 12 * DAY);
        b.checkedAt = visit < b.show.finishAt ? visit : null;
      } else {
        const scan = b.show.startAt - r.int(0, 50 * MINUTE) + r.int(0, 120);
        b.checkedAt = scan > after ? scan : after < b.show.finishAt ? after + r.int(60, 10 * MINUTE) : null;
      }
    }
  }

  private holdSeats(o: Order): void {
    for (const b of o.baskets) {
      const zone = b.show.zones[b.zoneIdx] as Zone;
      if (zone.admission) {
        b.show.admissionUsed[b.zoneIdx] = (b.show.admissionUsed[b.zoneIdx] ?? 0) + b.quantity;
        continue;
      }
      const release = o.cancelAt ?? (b.refunded ? (o.refundAt as number) : Number.POSITIVE_INFINITY);
      if (release === Number.POSITIVE_INFINITY) b.show.soldForGood[b.zoneIdx] = (b.show.soldForGood[b.zoneIdx] ?? 0) + 1;
      b.show.seatRelease[zone.seatOffset + (b.row - 1) * zone.places + (b.place - 1)] = release;
    }
  }
}

/** Whether k more tickets might fit (admission room, or seated seats not sold for good). */
function hasRoom(s: Show, k: number): boolean {
  return s.zones.some((z, i) => (z.admission ? (s.admissionUsed[i] ?? 0) + k <= z.capacity : z.capacity - (s.soldForGood[i] ?? 0) >= k));
}

/** Shows sell better close to their date; exhibitions sell evenly. */
function showAppeal(s: Show, t: number): number {
  if (s.finishAt - s.startAt > 3 * DAY) return 1.5;
  const daysLeft = (s.startAt - t) / DAY;
  return 0.4 + 2 * Math.exp(-daysLeft / 10);
}

/** Picks `count` free seats (free at instant t) of one show, or null when they do not fit. */
function allocate(r: Rng, show: Show, count: number, t: number): Seat[] | null {
  if (count === 0) return [];
  const candidates = show.zones
    .map((z, i) => ({ z, i }))
    .filter(({ z, i }) => (z.admission ? (show.admissionUsed[i] ?? 0) + count <= z.capacity : z.capacity - (show.soldForGood[i] ?? 0) >= count));
  for (let attempt = 0; attempt < 3 && candidates.length > 0; attempt++) {
    const { z, i } = pickWeighted(r, candidates, ({ z }) => (z.admission ? Math.min(z.capacity, 400) : z.capacity));
    if (z.admission) {
      // several admission zones (adult/child) may share an order
      const mates = candidates.filter((c) => c.z.admission);
      return Array.from({ length: count }, (_, n) => {
        const pick = n === 0 || mates.length === 1 || r.chance(0.7) ? i : r.pick(mates).i;
        return { zoneIdx: pick, row: 1, place: 1 };
      });
    }
    const seats = findSeats(r, show, z, i, count, t);
    if (seats) return seats;
  }
  return null;
}

function findSeats(r: Rng, show: Show, z: Zone, zoneIdx: number, count: number, t: number): Seat[] | null {
  const free = (row: number, place: number): boolean => (show.seatRelease[z.seatOffset + (row - 1) * z.places + (place - 1)] as number) <= t;
  for (let tries = 0; tries < 6; tries++) {
    const row = r.int(1, z.rows);
    const start = r.int(1, Math.max(1, z.places - count + 1));
    let ok = true;
    for (let p = start; p < start + count; p++) if (p > z.places || !free(row, p)) ok = false;
    if (ok) return Array.from({ length: count }, (_, n) => ({ zoneIdx, row, place: start + n }));
  }
  const found: Seat[] = [];
  for (let row = 1; row <= z.rows && found.length < count; row++) {
    for (let place = 1; place <= z.places && found.length < count; place++) if (free(row, place)) found.push({ zoneIdx, row, place });
  }
  return found.length === count ? found : null;
}

function weighted(r: Rng, weights: number[]): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i] as number;
  let u = r.next() * total;
  let last = weights.length - 1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w <= 0) continue;
    last = i;
    u -= w;
    if (u < 0) return i;
  }
  return last;
}

function pickWeighted<T>(r: Rng, items: readonly T[], weight: (item: T) => number): T {
  return items[weighted(r, items.map(weight))] as T;
}

import { CatalogueChurn } from './catalog.churn.ts';
import { buildCatalog, type Catalog, type Event, type Show } from './catalog.model.ts';
import { addPeriod, isListed, periodStart, type RollingOptions } from './catalog.rolling.ts';
import type { Basket, Counters, Order } from './orders.model.ts';
import { OrderFactory } from './orders.model.ts';
import type { Client } from './people.model.ts';
import { createRng, type Rng } from './random.ts';
import { DAY, moscowHour } from './time.ts';

/**
 * The simulated tenant: catalogue, orders (each with its planned timeline), clients, and the clock.
 * Orders arrive as a seeded process: the history is `historyOrders` instants drawn over [now - historyDays, now]
 * (with a day/night profile), later ones a Poisson stream at `ordersPerDay`. The stream does not depend on how the
 * clock is advanced (advance(a) + advance(b) ≡ advance(a + b)). The catalogue rolls forward with the clock (a batch of
 * new events every period, see catalog.rolling.ts), so the stream never runs out of shows to sell.
 */

export type WorldOptions = {
  seed: number;
  nowSec: number;
  historyDays: number;
  historyOrders: number;
  ordersPerDay: number;
  events: number;
  refundMarksDeleted: boolean;
  bigHallSeats?: number;
};

/** Relative order intensity per Moscow hour (night is quiet). */
const HOURLY = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.1, 1.3, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.6, 1.7, 1.8, 1.7, 1.4, 0.9, 0.5];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;
const HOURLY_MAX = Math.max(...HOURLY);
const weightAt = (t: number): number => HOURLY[moscowHour(t)] as number;

export class World {
  readonly seed: number;
  readonly catalog: Catalog;
  /** Discounts, promo codes and colour themes as the API lists them over time (orders keep using `catalog`'s). */
  readonly churn: CatalogueChurn;
  readonly orders: Order[] = [];
  readonly clients: Client[] = [];
  readonly refundMarksDeleted: boolean;
  readonly ordersPerDay: number;
  readonly startSec: number;
  private clockMs: number;
  private readonly factory: OrderFactory;
  private readonly arrivals: Rng;
  private nextCandidate: number;
  private visibleCache = { t: Number.NaN, count: 0 };
  private readonly rolling: RollingOptions;
  private periods = 0;
  private listedCache = { t: Number.NaN, size: 0, events: [] as Event[], shows: [] as Show[] };

  constructor(o: WorldOptions) {
    this.seed = o.seed;
    this.refundMarksDeleted = o.refundMarksDeleted;
    this.ordersPerDay = o.ordersPerDay;
    this.startSec = o.nowSec;
    this.clockMs = o.nowSec * 1000;
    const expectedTickets = (o.historyOrders + o.ordersPerDay * 90) * 2;
    this.catalog = buildCatalog({
      seed: o.seed,
      now: o.nowSec,
      historyDays: o.historyDays,
      events: o.events,
      expectedTickets,
      ...(o.bigHallSeats ? { bigHallSeats: o.bigHallSeats } : {}),
    });
    const counters: Counters = {
      orderId: 7_300_000,
      basketId: 48_000_000,
      clientId: 2_200_000,
      detailsId: 1_700_000,
      refundId: 55_000,
      seq: 0,
      lastCreatedAt: 0,
    };
    this.factory = new OrderFactory(o.seed, this.catalog, this.clients, counters);
    this.arrivals = createRng(o.seed * 2654435761 + 99);
    this.rolling = { seed: o.seed, start: o.nowSec, events: o.events, ordersPerDay: o.ordersPerDay };
    this.generateHistory(o.nowSec - o.historyDays * DAY, o.nowSec, o.historyOrders);
    this.extendCatalog(o.nowSec);
    this.churn = new CatalogueChurn(this.catalog, o.seed, o.nowSec);
    this.churn.extendTo(o.nowSec);
    this.nextCandidate = o.nowSec + this.gap();
  }

  /** The clock in whole seconds: events at or before it are applied. */
  get t(): number {
    return Math.floor(this.clockMs / 1000);
  }

  get nowMs(): number {
    return this.clockMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    this.clockMs += ms;
    const t = this.t;
    this.extendCatalog(t);
    this.churn.extendTo(t);
    while (this.nextCandidate <= t) {
      const cand = this.nextCandidate;
      if (this.arrivals.next() < weightAt(cand) / HOURLY_MAX) this.add(Math.max(Math.floor(cand), this.factory.counters.lastCreatedAt + 1));
      this.nextCandidate += this.gap();
    }
  }

  /** Number of orders created at or before the clock (they are a prefix of `orders`). */
  visibleCount(): number {
    const t = this.t;
    if (this.visibleCache.t !== t) this.visibleCache = { t, count: upperBound(this.orders.length, (i) => (this.orders[i] as Order).createdAt <= t) };
    return this.visibleCache.count;
  }

  visibleClientCount(): number {
    const t = this.t;
    return upperBound(this.clients.length, (i) => (this.clients[i] as Client).firstSeenAt <= t);
  }

  /** Events that exist at the clock (created at or before it), id ascending. */
  listedEvents(): Event[] {
    return this.listed().events;
  }

  /** Shows that exist at the clock, in catalogue order. */
  listedShows(): Show[] {
    return this.listed().shows;
  }

  /** A show by id, if it exists at the clock. */
  findShow(id: number): Show | undefined {
    const show = this.catalog.showById.get(id);
    return show && isListed(this.catalog, show, this.t) ? show : undefined;
  }

  /** An event by id, if it exists at the clock. */
  findEvent(id: number): Event | undefined {
    const event = this.catalog.eventById.get(id);
    return event && event.createdAt <= this.t ? event : undefined;
  }

  findOrder(id: number): Order | undefined {
    const n = this.visibleCount();
    const i = upperBound(n, (k) => (this.orders[k] as Order).id <= id) - 1;
    const o = this.orders[i];
    return i >= 0 && o?.id === id ? o : undefined;
  }

  findBasket(id: number): Basket | undefined {
    const n = this.visibleCount();
    const i = upperBound(n, (k) => ((this.orders[k] as Order).baskets[0] as Basket).id <= id) - 1;
    return i >= 0 ? this.orders[i]?.baskets.find((b) => b.id === id) : undefined;
  }

  private listed(): { events: Event[]; shows: Show[] } {
    const t = this.t;
    const c = this.catalog;
    if (this.listedCache.t !== t || this.listedCache.size !== c.shows.length) {
      this.listedCache = {
        t,
        size: c.shows.length,
        events: c.events.filter((e) => e.createdAt <= t),
        shows: c.shows.filter((s) => isListed(c, s, t)),
      };
    }
    return this.listedCache;
  }

  /** Announces every rolling period that has started by instant t (in order, so ids stay deterministic). */
  private extendCatalog(t: number): void {
    while (periodStart(this.rolling, this.periods) <= t) addPeriod(this.catalog, this.rolling, this.periods++);
  }

  private add(t: number): void {
    const order = this.factory.create(t);
    if (order) this.orders.push(order);
  }

  private gap(): number {
    if (this.ordersPerDay <= 0) return Number.POSITIVE_INFINITY;
    const lambdaMax = (this.ordersPerDay / DAY) * (HOURLY_MAX / HOURLY_MEAN);
    return this.arrivals.exp(1 / lambdaMax);
  }

  private generateHistory(from: number, to: number, n: number): void {
    if (n <= 0 || to <= from) return;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = this.arrivals.next();
    u.sort();
    // piecewise-constant intensity per hour; invert its cumulative weight
    const edges: number[] = [from];
    for (let e = from - (from % 3600) + 3600; e < to; e += 3600) edges.push(e);
    edges.push(to);
    let total = 0;
    for (let b = 0; b + 1 < edges.length; b++) total += weightAt(edges[b] as number) * ((edges[b + 1] as number) - (edges[b] as number));
    let b = 0;
    let cum = 0;
    for (let i = 0; i < n; i++) {
      const target = (u[i] as number) * total;
      for (;;) {
        const len = (edges[b + 1] as number) - (edges[b] as number);
        const mass = weightAt(edges[b] as number) * len;
        if (cum + mass >= target || b + 2 >= edges.length) break;
        cum += mass;
        b++;
      }
      const at = (edges[b] as number) + (target - cum) / weightAt(edges[b] as number);
      // one order per second at most: leave a second for each order still to come, so all n fit in [from, to]
      this.add(Math.max(Math.min(Math.floor(at), to - (n - 1 - i)), this.factory.counters.lastCreatedAt + 1));
    }
  }
}

/** Smallest i in [0, n] with pred(i) false, for a predicate that is true on a prefix. */
function upperBound(n: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

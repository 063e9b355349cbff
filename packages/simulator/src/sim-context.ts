import type { Event } from './catalog.model.ts';
import { colorThemeRecord, discountRecord, eventRecord, promoCodeRecord } from './catalog.view.ts';
import type { FaultInjector } from './faults.ts';
import type { SimRequest } from './http-server.ts';
import type { Order } from './orders.model.ts';
import { isMalformed, malform, orderRecord, type ViewContext } from './orders.view.ts';
import type { World } from './world.model.ts';

/** Shared state of one running simulator, handed to every route handler. */
export class SimContext {
  readonly world: World;
  readonly faults: FaultInjector;
  readonly token: string;
  readonly partnersToken: string;
  /** Filtered/sorted order lists, keyed by query + clock (a walk re-uses one evaluation). */
  private readonly filtered = new Map<string, Order[]>();
  /** Catalogue lists at one clock value (they change with the clock, see catalog.churn.ts). */
  private catalogueLists: {
    t: number;
    discounts: Record<string, unknown>[];
    promoCodes: Record<string, unknown>[];
    colorThemes: Record<string, unknown>[];
  } | null = null;
  /** Serialised record per record version (a version object never changes). */
  private readonly versionRecords = new WeakMap<object, Record<string, unknown>>();
  /** Event records by id (an event never changes once created); the list is the events that exist at the clock. */
  private readonly eventRecords = new Map<number, Record<string, unknown>>();
  private eventList: { events: Event[]; records: Record<string, unknown>[] } = { events: [], records: [] };

  constructor(world: World, faults: FaultInjector, token: string, partnersToken: string) {
    this.world = world;
    this.faults = faults;
    this.token = token;
    this.partnersToken = partnersToken;
  }

  get seed(): number {
    return this.world.seed;
  }

  view(): ViewContext {
    return { seed: this.world.seed, t: this.world.t, refundMarksDeleted: this.world.refundMarksDeleted };
  }

  isMalformed(o: Order): boolean {
    return isMalformed(this.world.seed, o.id, this.faults.get().malformedRate);
  }

  /** The wire record of an order (malformed when the fault says so — identically every time). */
  orderRecord(o: Order, single: boolean, view = this.view()): Record<string, unknown> {
    const rec = orderRecord(o, view, single);
    return this.isMalformed(o) ? malform(this.world.seed, rec, o.id) : rec;
  }

  statics(): {
    events: Record<string, unknown>[];
    discounts: Record<string, unknown>[];
    promoCodes: Record<string, unknown>[];
    colorThemes: Record<string, unknown>[];
  } {
    const t = this.world.t;
    if (this.catalogueLists?.t !== t) {
      const { churn, catalog } = this.world;
      const rec = <T extends object>(v: T, make: (v: T) => Record<string, unknown>): Record<string, unknown> => {
        let r = this.versionRecords.get(v);
        if (!r) {
          r = make(v);
          this.versionRecords.set(v, r);
        }
        return r;
      };
      this.catalogueLists = {
        t,
        discounts: churn.discounts.listed(t).map((d) => rec(d, (x) => discountRecord(x, catalog))),
        promoCodes: churn.promoCodes.listed(t).map((p) => rec(p, promoCodeRecord)),
        colorThemes: churn.colorThemes.listed(t).map((c) => rec(c, colorThemeRecord)),
      };
    }
    const { discounts, promoCodes, colorThemes } = this.catalogueLists;
    const events = this.world.listedEvents();
    if (this.eventList.events !== events) {
      const records = events.map((e) => {
        let rec = this.eventRecords.get(e.id);
        if (!rec) {
          rec = eventRecord(e, this.world.seed);
          this.eventRecords.set(e.id, rec);
        }
        return rec;
      });
      this.eventList = { events, records };
    }
    return { events: this.eventList.records, discounts, promoCodes, colorThemes };
  }

  cachedOrders(key: string, compute: () => Order[]): Order[] {
    const hit = this.filtered.get(key);
    if (hit) return hit;
    const value = compute();
    this.filtered.set(key, value);
    if (this.filtered.size > 8) this.filtered.delete(this.filtered.keys().next().value as string);
    return value;
  }

  bearerOk(req: SimRequest, expected: string): boolean {
    const h = req.headers.authorization;
    return typeof h === 'string' && h.trim() === `Bearer ${expected}`;
  }
}

/** List parameters from the JSON body (vendor form) over JSON strings in the query string (encoding B). */
export function listParams(req: SimRequest, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = req.query[k];
    if (v === undefined) continue;
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
    for (const k of keys) if (k in (req.body as Record<string, unknown>)) out[k] = (req.body as Record<string, unknown>)[k];
  }
  return out;
}

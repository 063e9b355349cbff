import type { Basket, Order } from './orders.model.ts';
import { phpJson } from './php-json.ts';
import { hashUnit } from './random.ts';
import type { SimContext } from './sim-context.ts';
import type { WebhookEventType } from './types.ts';
import type { World } from './world.model.ts';

/**
 * The order changes the clock applies, in time order, for webhooks (contract §9): `created` (order placed), `payed`,
 * `deleted` (reservation expired), `refunded`, `checked` (one per scanned ticket). The simulator has no other kind of
 * order edit, so it never sends `updated`. A change is reported once, by the first collect() whose clock reaches it;
 * changes before the feed started are not reported.
 */

export type OrderChange = { at: number; order: Order; event: WebhookEventType; basket: Basket | null };

const RANK: Record<WebhookEventType, number> = { created: 0, updated: 1, payed: 2, deleted: 3, refunded: 4, checked: 5 };

const before = (a: OrderChange, b: OrderChange): boolean =>
  a.at !== b.at
    ? a.at < b.at
    : a.order.id !== b.order.id
      ? a.order.id < b.order.id
      : a.event !== b.event
        ? RANK[a.event] < RANK[b.event]
        : (a.basket?.id ?? 0) < (b.basket?.id ?? 0);

/** Every change of an order's planned timeline. */
function changesOf(o: Order): OrderChange[] {
  const out: OrderChange[] = [{ at: o.createdAt, order: o, event: 'created', basket: null }];
  if (o.paidAt !== null) out.push({ at: o.paidAt, order: o, event: 'payed', basket: null });
  if (o.cancelAt !== null) out.push({ at: o.cancelAt, order: o, event: 'deleted', basket: null });
  if (o.refundAt !== null && o.baskets.some((b) => b.refunded)) out.push({ at: o.refundAt, order: o, event: 'refunded', basket: null });
  for (const b of o.baskets) if (b.checkedAt !== null) out.push({ at: b.checkedAt, order: o, event: 'checked', basket: b });
  return out;
}

export class ChangeFeed {
  private readonly world: World;
  private readonly heap: OrderChange[] = [];
  private registered = 0;
  private lastT: number;

  /** Starts at the current clock: only later changes are reported. */
  constructor(world: World) {
    this.world = world;
    this.lastT = world.t;
    this.register();
  }

  /** The changes in (previous clock, current clock], oldest first. */
  collect(): OrderChange[] {
    const t = this.world.t;
    this.register();
    const out: OrderChange[] = [];
    while (this.heap.length > 0 && (this.heap[0] as OrderChange).at <= t) out.push(this.pop());
    this.lastT = t;
    return out;
  }

  private register(): void {
    const n = this.world.visibleCount();
    for (; this.registered < n; this.registered++) {
      for (const c of changesOf(this.world.orders[this.registered] as Order)) if (c.at > this.lastT) this.push(c);
    }
  }

  private push(c: OrderChange): void {
    const h = this.heap;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as OrderChange, h[p] as OrderChange)) break;
      [h[i], h[p]] = [h[p] as OrderChange, h[i] as OrderChange];
      i = p;
    }
  }

  private pop(): OrderChange {
    const h = this.heap;
    const top = h[0] as OrderChange;
    const last = h.pop() as OrderChange;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as OrderChange, h[m] as OrderChange)) m = l;
        if (r < h.length && before(h[r] as OrderChange, h[m] as OrderChange)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as OrderChange, h[i] as OrderChange];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The webhook body: the order as GET /orders lists it at the instant of the change (same serialisation, PII and
 * malformed fault), plus the docs-only webhook fields (§7.1, §7.3): client.details.telegram_user (null),
 * primary_orders / secondary_orders ([]), refunded_baskets (basket ids refunded by a `refunded` change, else []),
 * checked_basket (the scanned basket's id for `checked`, else null), checked_service, unchecked_basket,
 * unchecked_service (null). The element shapes of these fields are UNV; these are the simulator's choice.
 * The body's shape is DOC and was never observed; faults give the other readings: webhookWrappedBody (the body as
 * GET /orders/{id} answers, `{"data": order}`) and webhookPartialBodyRate (the order's fields missing but id and
 * updated_at).
 */
export function webhookBody(ctx: SimContext, c: OrderChange): string {
  const rec = ctx.orderRecord(c.order, false, { ...ctx.view(), t: c.at });
  const client = rec.client as { details?: Record<string, unknown> } | undefined;
  const withTelegram = client?.details ? { ...client, details: { ...client.details, telegram_user: null } } : rec.client;
  const faults = ctx.faults.get();
  // Fault webhookPartialBodyRate (by hash of the change): the order's fields missing but its id and updated_at.
  const partial = faults.webhookPartialBodyRate > 0 && hashUnit(ctx.world.seed, c.order.id, c.at, 0x9a47) < faults.webhookPartialBodyRate;
  const order = partial ? { id: rec.id, updated_at: rec.updated_at } : { ...rec, client: withTelegram };
  const body = {
    ...order,
    primary_orders: [],
    secondary_orders: [],
    refunded_baskets: c.event === 'refunded' ? c.order.baskets.filter((b) => b.refunded).map((b) => b.id) : [],
    checked_basket: c.event === 'checked' ? (c.basket?.id ?? null) : null,
    checked_service: null,
    unchecked_basket: null,
    unchecked_service: null,
  };
  return phpJson(faults.webhookWrappedBody ? { data: body } : body);
}

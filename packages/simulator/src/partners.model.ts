import type { Event } from './catalog.model.ts';
import { basketDeletedAt, isPaid } from './order-state.ts';
import type { Basket, Order } from './orders.model.ts';
import { hashUnit } from './random.ts';
import type { World } from './world.model.ts';

/**
 * Partner-issued tickets (contract §6, §7.10): the baskets of about 5 % of orders (chosen by id hash), with external
 * ids `ext-o-<order id>` / `ext-t-<basket id>`. A partner ticket is `deleted` once its basket is cancelled or refunded.
 */

export const isPartnerOrder = (seed: number, o: Order): boolean => hashUnit(seed, o.id, 50) < 0.05;

/** Whether a ticket's id is served as a string (fault partnerStringIdRate; the same tickets every time). */
export const partnerIdIsString = (seed: number, basketId: number, rate: number): boolean => rate > 0 && hashUnit(seed, basketId, 51) < rate;

export const partnerTicketPaid = (b: Basket, t: number): boolean => isPaid(b.order, t);

export const partnerTicketDeleted = (b: Basket, t: number): boolean => basketDeletedAt(b, t, true) !== null;

/** Partner tickets of an event (optionally one show) at the clock, id ascending. */
export function partnerBasketsOfEvent(world: World, event: Event, showId?: number): Basket[] {
  const t = world.t;
  const out: Basket[] = [];
  for (const s of event.shows) {
    if (showId !== undefined && s.id !== showId) continue;
    for (const b of s.baskets) if (b.order.createdAt <= t && isPartnerOrder(world.seed, b.order)) out.push(b);
  }
  return out.sort((x, y) => x.id - y.id);
}

/** Every partner ticket at the clock, id ascending (orders and their baskets are in id order). */
export function allPartnerBaskets(world: World): Basket[] {
  const out: Basket[] = [];
  const n = world.visibleCount();
  for (let i = 0; i < n; i++) {
    const o = world.orders[i] as Order;
    if (isPartnerOrder(world.seed, o)) out.push(...o.baskets);
  }
  return out;
}

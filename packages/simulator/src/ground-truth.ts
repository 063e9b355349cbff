import { showCapacity } from './catalog.model.ts';
import { catalogueTruth, checkinTruth, inventoryTruth, partnerTicketsTruth } from './ground-truth.streams.ts';
import { kopToString } from './money.ts';
import { basketRefundedAt, isPaid } from './order-state.ts';
import type { Order } from './orders.model.ts';
import { occupancy } from './seats.view.ts';
import { formatTs, moscowDate } from './time.ts';
import type { DayTruth, GroundTruth, InventoryTruth, ShowTruth } from './types.ts';
import type { World } from './world.model.ts';

/**
 * The answer the pipeline's views must reproduce, computed from the model at the current clock with exact integer
 * kopecks. Per Moscow day D:
 *   tickets_sold / revenue   Σ quantity / Σ price of the baskets of paid orders whose payed_at falls on D
 *                            (refunded baskets included: they were sold that day);
 *   refunds_count / _amount  number of baskets with refunded_at on D / Σ their refunded_amount (price − deduction);
 *   net_revenue              revenue − refunds_amount.
 * Per show (every show that exists at the clock, the rolling catalogue's new ones included): capacity (seats + admission max_quantity), sold (live paid baskets), reserved (live unpaid baskets),
 * free = capacity − sold − reserved.
 * Orders served malformed (fault malformedRate) are EXCLUDED everywhere — a correct pipeline quarantines them —
 * and so is orders_total (= visible orders − malformed orders). Days with all zeros are omitted.
 * inventory, checkins, catalogue and partner_tickets: see ground-truth.streams.ts.
 * `anyMalformed` false (fault off) lets the per-show figures reuse the inventory's occupancy.
 */
export function computeTruth(world: World, isMalformed: (o: Order) => boolean, anyMalformed = true): GroundTruth {
  const t = world.t;
  const days = new Map<string, { tickets: number; revenue: number; refunds: number; refunded: number }>();
  const day = (d: string) => {
    let v = days.get(d);
    if (!v) {
      v = { tickets: 0, revenue: 0, refunds: 0, refunded: 0 };
      days.set(d, v);
    }
    return v;
  };
  const n = world.visibleCount();
  let ordersTotal = 0;
  for (let i = 0; i < n; i++) {
    const o = world.orders[i] as Order;
    if (isMalformed(o)) continue;
    ordersTotal++;
    const paid = isPaid(o, t);
    for (const b of o.baskets) {
      if (paid) {
        const d = day(moscowDate(o.paidAt as number));
        d.tickets += b.quantity;
        d.revenue += b.priceKop;
      }
      const refundedAt = basketRefundedAt(b, t);
      if (refundedAt !== null) {
        const d = day(moscowDate(refundedAt));
        d.refunds += 1;
        d.refunded += b.priceKop - b.deductionKop;
      }
    }
  }
  const dayRows: DayTruth[] = [...days.entries()]
    .filter(([, v]) => v.tickets > 0 || v.refunds > 0 || v.revenue !== 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, v]) => ({
      date,
      tickets_sold: v.tickets,
      revenue: kopToString(v.revenue),
      refunds_count: v.refunds,
      refunds_amount: kopToString(v.refunded),
      net_revenue: kopToString(v.revenue - v.refunded),
    }));
  const include = (o: Order) => !isMalformed(o);
  const everything = () => true;
  const inventory: InventoryTruth[] = [];
  const shows: ShowTruth[] = world.listedShows().map((s) => {
    const all = occupancy(s, t, everything);
    inventory.push(...inventoryTruth(s, all));
    const occ = anyMalformed ? occupancy(s, t, include) : all;
    let sold = 0;
    let reserved = 0;
    for (const st of occ.seats.values()) st === 'paid' ? sold++ : reserved++;
    for (const q of occ.admissionPaid) sold += q;
    for (const q of occ.admissionPending) reserved += q;
    const capacity = showCapacity(s);
    return { show_id: s.id, event_id: s.eventId, capacity, sold, reserved, free: capacity - sold - reserved };
  });
  return {
    now: formatTs(t),
    orders_total: ordersTotal,
    days: dayRows,
    shows,
    inventory,
    checkins: world.listedShows().map((s) => checkinTruth(s, t)),
    catalogue: catalogueTruth(world),
    partner_tickets: partnerTicketsTruth(world),
  };
}

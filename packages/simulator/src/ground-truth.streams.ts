import { barcodeOf } from './barcodes.ts';
import type { Show, Zone } from './catalog.model.ts';
import { kopToString } from './money.ts';
import { basketCheckedAt, isLive, isPaid } from './order-state.ts';
import type { Basket } from './orders.model.ts';
import { allPartnerBaskets, partnerTicketDeleted, partnerTicketPaid } from './partners.model.ts';
import { type Occupancy, zoneInventory } from './seats.view.ts';
import { formatNullableTs } from './time.ts';
import type { BarcodeCheckin, CatalogueTruth, CheckinTruth, InventoryTruth, PartnerTicketTruth } from './types.ts';
import type { World } from './world.model.ts';

/**
 * The ground truth of the streams other than orders, each equal to what its endpoint serves at the clock (so, unlike
 * the per-day figures, orders served malformed are counted: these endpoints do not serve orders):
 *   inventory        per show and zone, the flat seats list summed per zone (seats.view.ts, zoneInventory);
 *   checkins         per show, the barcodes GET /shows/{id}/barcodes lists, and how many have checked_at set;
 *   catalogue        ids listed / soft-deleted / vanished per catalogue stream (catalog.churn.ts), client count;
 *   partner_tickets  every partner ticket tickets/find can return (partners.model.ts).
 */

export function inventoryTruth(show: Show, occ: Occupancy): InventoryTruth[] {
  return zoneInventory(show, occ).map((z, i) => {
    const zone = show.zones[i] as Zone;
    return { show_id: show.id, event_id: show.eventId, zone_id: zone.key, zone_name: zone.name, ...z };
  });
}

/** A basket has a valid barcode (listed by /barcodes) when its order is paid and it is neither cancelled nor refunded. */
const hasValidBarcode = (b: Basket, t: number): boolean => b.order.createdAt <= t && isPaid(b.order, t) && isLive(b, t);

export function checkinTruth(show: Show, t: number): CheckinTruth {
  let valid = 0;
  let checked = 0;
  for (const b of show.baskets) {
    if (!hasValidBarcode(b, t)) continue;
    valid++;
    if (basketCheckedAt(b, t) !== null) checked++;
  }
  return { show_id: show.id, event_id: show.eventId, valid_barcodes: valid, checked_in: checked };
}

export function barcodeCheckins(world: World, showId: number): BarcodeCheckin[] {
  const show = world.findShow(showId);
  if (!show) return [];
  const t = world.t;
  return show.baskets
    .filter((b) => hasValidBarcode(b, t))
    .map((b) => ({ barcode: barcodeOf(world.seed, b.id), basket_id: b.id, order_id: b.order.id, checked_at: formatNullableTs(basketCheckedAt(b, t)) }));
}

export function catalogueTruth(world: World): CatalogueTruth {
  const t = world.t;
  const n = world.visibleClientCount();
  return {
    ...world.churn.truth(t),
    clients: { listed_count: n, first_id: world.clients[0] && n > 0 ? world.clients[0].id : null, last_id: world.clients[n - 1]?.id ?? null },
  };
}

export function partnerTicketsTruth(world: World): PartnerTicketTruth[] {
  const t = world.t;
  return allPartnerBaskets(world).map((b) => ({
    id: b.id,
    event_id: b.order.event.id,
    show_id: b.show.id,
    paid: partnerTicketPaid(b, t) ? 1 : 0,
    price: kopToString(b.priceKop),
    deleted: partnerTicketDeleted(b, t) ? 1 : 0,
  }));
}

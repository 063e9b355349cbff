import { barcodeOf } from './barcodes.ts';
import { priceKop, type Show, seatPriceId, type Zone } from './catalog.model.ts';
import { kopToNumber } from './money.ts';
import { basketCheckedAt, isCancelled, isLive, isPaid } from './order-state.ts';
import type { Basket, Order } from './orders.model.ts';
import { holderOf, seatNameOf } from './orders.view.ts';
import { formatNullableTs } from './time.ts';

/** Seat inventory of a show at clock T, and the seats / barcodes endpoints built on it. */

export type Occupancy = {
  /** Seated seats held by a live basket: seat index → 'paid' | 'pending'. */
  seats: Map<number, 'paid' | 'pending'>;
  admissionPaid: number[];
  admissionPending: number[];
};

/** `include` filters orders (visibility, and for the ground truth: not malformed). */
export function occupancy(show: Show, t: number, include: (o: Order) => boolean): Occupancy {
  const occ: Occupancy = { seats: new Map(), admissionPaid: show.zones.map(() => 0), admissionPending: show.zones.map(() => 0) };
  for (const b of show.baskets) {
    if (b.order.createdAt > t || !include(b.order) || !isLive(b, t)) continue;
    const state = isPaid(b.order, t) ? 'paid' : 'pending';
    const z = show.zones[b.zoneIdx] as Zone;
    if (z.admission) {
      const arr = state === 'paid' ? occ.admissionPaid : occ.admissionPending;
      arr[b.zoneIdx] = (arr[b.zoneIdx] ?? 0) + b.quantity;
    } else {
      occ.seats.set(z.seatOffset + (b.row - 1) * z.places + (b.place - 1), state);
    }
  }
  return occ;
}

/** Default (OBS) shape: data.{ZONE}.seats.{"r;p"} with seat_id and admission only (Q15). */
export function hierarchicalSeats(show: Show): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const z of show.zones) {
    const seats: Record<string, unknown> = {};
    for (let r = 1; r <= z.rows; r++) for (let p = 1; p <= z.places; p++) seats[`${r};${p}`] = { seat_id: `${z.key}-${r};${p}`, admission: z.admission };
    data[z.key] = { zone_id: z.key, name: z.name, description: z.description, seats };
  }
  return { data };
}

/** Seat inventory of one zone as the flat seats list reports it (Σ over its seats). */
export type ZoneInventory = { capacity: number; sold: number; held: number; free: number };

/** max_quantity, payed_quantity and ordered_quantity (paid + unpaid) of one seat entry. */
function seatCounts(z: Zone, zi: number, r: number, p: number, occ: Occupancy): { max: number; payed: number; ordered: number } {
  if (z.admission) {
    const payed = occ.admissionPaid[zi] ?? 0;
    return { max: z.capacity, payed, ordered: payed + (occ.admissionPending[zi] ?? 0) };
  }
  const st = occ.seats.get(z.seatOffset + (r - 1) * z.places + (p - 1));
  return { max: 1, payed: st === 'paid' ? 1 : 0, ordered: st ? 1 : 0 };
}

/**
 * Per zone: capacity = Σ max_quantity, sold = Σ payed_quantity, held = Σ (ordered_quantity − payed_quantity),
 * free = Σ free_quantity — exactly what `flatSeats` serves for the same occupancy.
 */
export function zoneInventory(show: Show, occ: Occupancy): ZoneInventory[] {
  return show.zones.map((z, zi) => {
    if (z.admission) {
      const { max, payed, ordered } = seatCounts(z, zi, 1, 1, occ);
      return { capacity: max, sold: payed, held: ordered - payed, free: max - ordered };
    }
    let sold = 0;
    let held = 0;
    for (let i = z.seatOffset; i < z.seatOffset + z.capacity; i++) {
      const st = occ.seats.get(i);
      if (st === 'paid') sold++;
      else if (st) held++;
    }
    return { capacity: z.capacity, sold, held, free: z.capacity - sold - held };
  });
}

/** The seat that scheme_properties gives a personal quota (`spread.users`), when the show has a seats block. */
const QUOTA_USER = 50211;
const isQuotaSeat = (show: Show, z: Zone, r: number, p: number): boolean => show.hasSeatsBlock && !z.admission && r === z.rows && p === 1;

/**
 * `flat: true` (DOC) shape: data.{full_<seat>} → full seat record with quantities. As in the fixture, a seat held by a
 * personal quota is `available: false` but still counts in free_quantity.
 */
export function flatSeats(show: Show, occ: Occupancy): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  show.zones.forEach((z, zi) => {
    for (let r = 1; r <= z.rows; r++) {
      for (let p = 1; p <= z.places; p++) {
        const { max, payed, ordered } = seatCounts(z, zi, r, p, occ);
        const quota = isQuotaSeat(show, z, r, p);
        const seatId = `${z.key}-${r};${p}`;
        const priceId = seatPriceId(z, r);
        data[`full_${seatId}`] = {
          id: `full_${seatId}`,
          root_id: seatId,
          name: z.admission ? z.name : `${z.name}: Ряд ${r}, Место ${p}`,
          zone_id: `full_${z.key}`,
          zone_root_id: z.key,
          short_seat_id: `${r};${p}`,
          admission: z.admission,
          row: String(r),
          place: String(p),
          max_quantity: max,
          free_quantity: max - ordered,
          ordered_quantity: ordered,
          available: max - ordered > 0 && !quota,
          disabled: false,
          ordered: ordered > 0,
          payed_quantity: payed,
          in_basket_quantity: 0,
          price: kopToNumber(priceKop(show, priceId)),
          currency_id: 'RUB',
          related_seats: [],
          spread: { partner_id: null, users: quota ? [QUOTA_USER] : [], client_groups: [], client_emails: [], agents: false },
          color_theme_id: show.prices.find((x) => x.id === priceId)?.colorTheme ?? null,
          coords: seatCoords(z, zi, r, p),
        };
      }
    }
  });
  return { data };
}

export function seatCoords(z: Zone, zoneIdx: number, row: number, place: number): [number, number] {
  return z.admission ? [640, 120 + zoneIdx * 40] : [100 + place * 20, 200 + zoneIdx * 400 + row * 40];
}

const BARCODE_FIELDS = [
  'barcode',
  'admission',
  'price',
  'seat_name',
  'zone_name',
  'row',
  'place',
  'client_name',
  'client_surname',
  'client_middlename',
] as const;
const DEFAULT_BARCODE_FIELDS = BARCODE_FIELDS.slice(0, 7);

/** GET /shows/{id}/barcodes: a bare array of the currently valid barcodes (paid, not refunded, not cancelled). */
export function barcodeList(show: Show, t: number, seed: number, select: unknown): Record<string, unknown>[] {
  const fields = Array.isArray(select) ? BARCODE_FIELDS.filter((f) => select.includes(f)) : DEFAULT_BARCODE_FIELDS;
  const out: Record<string, unknown>[] = [];
  for (const b of show.baskets) {
    if (b.order.createdAt > t || !isPaid(b.order, t) || !isLive(b, t)) continue;
    const z = show.zones[b.zoneIdx] as Zone;
    const holder = holderOf(seed, b);
    const full: Record<string, unknown> = {
      barcode: barcodeOf(seed, b.id),
      admission: z.admission,
      price: kopToNumber(b.priceKop),
      seat_name: seatNameOf(b),
      zone_name: z.name,
      row: String(b.row),
      place: String(b.place),
      client_name: holder.name,
      client_surname: holder.surname,
      client_middlename: holder.middlename,
    };
    out.push(Object.fromEntries(fields.map((f) => [f, full[f]])));
  }
  return out;
}

/** GET /shows/{id}/barcode/{barcode}: `{barcode, checked_at}` (DOC). */
export function scanInfo(b: Basket, t: number, seed: number): Record<string, unknown> {
  return { barcode: barcodeOf(seed, b.id), checked_at: formatNullableTs(basketCheckedAt(b, t)) };
}

/** A barcode exists once its order is paid and until it is cancelled. */
export const hasBarcode = (b: Basket, t: number): boolean => isPaid(b.order, t) && !isCancelled(b.order, t);

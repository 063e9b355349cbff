import { isObject } from '../../common/pick.ts';

/**
 * The fetcher's allow-list for a show's seats: the response (thousands of seats, with `spread.client_emails` and other
 * personal quotas in the flat shape) shrinks to counts per zone, so nothing personal and nothing heavy goes on.
 *
 * - flat (`flat: true`, DOC): per seat `max_quantity`, `free_quantity`, `ordered_quantity` (paid included) and
 *   `payed_quantity`; a zone is `zone_root_id` (the id baskets use), its name the part of a seat's name before ':'.
 * - hierarchical (the default, OBS): zones with seats but no counts: only the number of numbered seats is known;
 *   an admission entry's capacity is not, so capacity counts numbered seats only and sold/held/free stay unknown.
 * - no seats block at all (`data: []`): one empty snapshot, so the show still has a figure.
 * `admission: true` marks a general-admission entry whose capacity is its `max_quantity`; it never means "free".
 */
export type ZoneCounts = {
  zone_id: string;
  zone_name: string;
  seats: number;
  admission_entries: number;
  capacity: number;
  sold: number | null;
  held: number | null;
  free: number | null;
};
export type SeatsSnapshot = { shape: 'flat' | 'hierarchical' | 'none'; zones: ZoneCounts[] };

type ClientSeats = { shape: 'zones'; zones: Record<string, unknown> } | { shape: 'flat'; seats: Record<string, unknown> };

const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);
const truthy = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

function flatZones(seats: Record<string, unknown>): ZoneCounts[] {
  const zones = new Map<string, ZoneCounts>();
  for (const seat of Object.values(seats)) {
    if (!isObject(seat)) continue;
    const zoneId = String(seat.zone_root_id ?? String(seat.zone_id ?? '').replace(/^full_/, ''));
    const name = typeof seat.name === 'string' ? (seat.name.split(':')[0] ?? '').trim() : '';
    const z = zones.get(zoneId) ?? { zone_id: zoneId, zone_name: name, seats: 0, admission_entries: 0, capacity: 0, sold: 0, held: 0, free: 0 };
    if (truthy(seat.admission)) z.admission_entries += 1;
    else z.seats += 1;
    const ordered = int(seat.ordered_quantity);
    const paid = int(seat.payed_quantity);
    z.capacity += int(seat.max_quantity);
    z.free = (z.free ?? 0) + int(seat.free_quantity);
    z.sold = (z.sold ?? 0) + paid;
    z.held = (z.held ?? 0) + Math.max(0, ordered - paid);
    zones.set(zoneId, z);
  }
  return [...zones.values()];
}

function hierarchicalZones(zones: Record<string, unknown>): ZoneCounts[] {
  return Object.entries(zones).map(([key, zone]) => {
    const z = isObject(zone) ? zone : {};
    const seats = isObject(z.seats) ? Object.values(z.seats) : [];
    const admission = seats.filter((s) => isObject(s) && truthy(s.admission)).length;
    return {
      zone_id: String(z.zone_id ?? key),
      zone_name: typeof z.name === 'string' ? z.name : '',
      seats: seats.length - admission,
      admission_entries: admission,
      capacity: seats.length - admission,
      sold: null,
      held: null,
      free: null,
    };
  });
}

/** Pure: the client's parsed seats response → counts per zone (the only thing that leaves the fetcher). */
export function seatsSnapshot(raw: unknown): SeatsSnapshot {
  const seats = raw as ClientSeats;
  if (seats?.shape === 'flat') return Object.keys(seats.seats).length === 0 ? { shape: 'none', zones: [] } : { shape: 'flat', zones: flatZones(seats.seats) };
  if (seats?.shape === 'zones')
    return Object.keys(seats.zones).length === 0 ? { shape: 'none', zones: [] } : { shape: 'hierarchical', zones: hierarchicalZones(seats.zones) };
  return { shape: 'none', zones: [] };
}

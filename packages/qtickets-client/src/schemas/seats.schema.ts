/**
 * `GET /shows/{id}/seats` (§5.5, §7.6) in its shapes: the default hierarchical `data.{ZONE}.seats.{"r;p"}` (OBS; the
 * admission and seated variants differ only in `admission`), and the `flat: true` DOC shape keyed by `full_<seat>`.
 */
import { z } from 'zod';
import { intLike, mixedBool, money, numeric, stringish } from './primitives.schema.ts';

/** Default shape, per seat: only `seat_id` and `admission` were observed (no counts unless selected). */
export const zoneSeatSchema = z.looseObject({
  seat_id: z.string(),
  /** General admission (unnumbered) — NOT availability. */
  admission: mixedBool,
  max_quantity: intLike.optional(),
  free_quantity: intLike.optional(),
});

export const seatZoneSchema = z.looseObject({
  zone_id: z.string(),
  name: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  seats: z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? {} : v), z.record(z.string(), zoneSeatSchema)),
});

export const flatSeatSchema = z.looseObject({
  id: z.string(),
  /** The seat id used in order baskets. */
  root_id: z.string(),
  name: z.string().nullable().optional(),
  zone_id: z.string().optional(),
  zone_root_id: z.string().optional(),
  short_seat_id: z.string().optional(),
  admission: mixedBool.optional(),
  row: stringish.optional(),
  place: stringish.optional(),
  max_quantity: intLike.optional(),
  free_quantity: intLike.optional(),
  ordered_quantity: intLike.optional(),
  available: mixedBool.optional(),
  disabled: mixedBool.optional(),
  ordered: mixedBool.optional(),
  payed_quantity: intLike.optional(),
  in_basket_quantity: intLike.optional(),
  price: money.nullable().optional(),
  currency_id: z.string().nullable().optional(),
  related_seats: z.array(z.unknown()).optional(),
  multiprice_name: z.string().nullable().optional(),
  multiprice_code: z.string().nullable().optional(),
  spread: z
    .looseObject({
      partner_id: intLike.nullable().optional(),
      users: z.array(z.unknown()).nullable().optional(),
      client_groups: z.array(z.unknown()).nullable().optional(),
      client_emails: z.array(z.unknown()).nullable().optional(),
      agents: mixedBool.optional(),
    })
    .nullable()
    .optional(),
  color_theme_id: intLike.nullable().optional(),
  coords: z.array(numeric).nullable().optional(),
});

export type ZoneSeat = z.infer<typeof zoneSeatSchema>;
export type SeatZone = z.infer<typeof seatZoneSchema>;
export type FlatSeat = z.infer<typeof flatSeatSchema>;

export const seatZonesSchema = z.record(z.string(), seatZoneSchema);
export const flatSeatsSchema = z.record(z.string(), flatSeatSchema);

export type ShowSeats = { shape: 'zones'; zones: Record<string, SeatZone> } | { shape: 'flat'; seats: Record<string, FlatSeat> };

/** The keyed `data` object of a seats response, in whichever shape it has. `[]` (a PHP empty map) → no zones. */
export const showSeatsSchema = z.union([
  z
    .array(z.unknown())
    .max(0)
    .transform((): ShowSeats => ({ shape: 'zones', zones: {} })),
  seatZonesSchema.transform((zones): ShowSeats => ({ shape: 'zones', zones })),
  flatSeatsSchema.transform((seats): ShowSeats => ({ shape: 'flat', seats })),
]);

export function parseShowSeats(data: unknown): ShowSeats {
  return showSeatsSchema.parse(data);
}

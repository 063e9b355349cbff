/** Events (§7.4) with shows, prices and scheme_properties (§7.5). Tolerant: loose objects, mixed booleans, string leaves. */
import { z } from 'zod';
import { intLike, mixedBool, money, nullableTimestamp, numeric, stringish, timestamp } from './primitives.schema.ts';

/** scheme_properties leaves are strings ("0", "1", "", price ids); numbers are accepted and stringified. */
const leaf = stringish;
const optionalLeaf = leaf.optional();

const spreadSchema = z.looseObject({ enabled: optionalLeaf, users: z.array(leaf).optional() });

const zoneRowSchema = z.looseObject({ disabled: optionalLeaf, price_id: optionalLeaf, opened: optionalLeaf, was_opened: optionalLeaf });

/** `rows` is `[""]` for unnumbered zones or an object keyed by row number (Q17). */
const rowsSchema = z.union([z.array(z.unknown()), z.record(z.string(), zoneRowSchema)]);

export const schemeZoneSchema = z.looseObject({
  disabled: optionalLeaf,
  price_id: optionalLeaf,
  label: optionalLeaf,
  spread: spreadSchema.optional(),
  rows: rowsSchema.optional(),
});

export const schemeSeatSchema = z.looseObject({
  disabled: optionalLeaf,
  price_id: optionalLeaf,
  spread: spreadSchema.optional(),
  /** Often "". */
  max_quantity: optionalLeaf,
  hot: optionalLeaf,
  show_free_quantity: optionalLeaf,
});

const adminZoneSchema = z.looseObject({
  opened: optionalLeaf,
  was_opened: optionalLeaf,
  rows: z.union([z.array(z.unknown()), z.record(z.string(), zoneRowSchema)]).optional(),
});

/** Empty maps may arrive as `[]` (PHP); normalised to `{}`. */
function keyed<T extends z.ZodType>(value: T) {
  return z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? {} : v), z.record(z.string(), value));
}

export const schemePropertiesSchema = z.looseObject({
  admin: z.looseObject({ zones: keyed(adminZoneSchema).optional() }).optional(),
  zones: keyed(schemeZoneSchema).optional(),
  /** May be absent (Q17). */
  seats: keyed(schemeSeatSchema).optional(),
});

export const priceSchema = z.looseObject({
  id: intLike,
  default_price: money,
  /** A string id into /color-themes (Q12). */
  color_theme: stringish.nullable().optional(),
  modifiers: z.array(z.unknown()).optional(),
});

export const showSchema = z.looseObject({
  id: intLike,
  name: z.string().nullable().optional(),
  is_active: mixedBool.optional(),
  sale_start_date: nullableTimestamp.optional(),
  sale_finish_date: nullableTimestamp.optional(),
  open_date: nullableTimestamp.optional(),
  start_date: nullableTimestamp,
  finish_date: nullableTimestamp.optional(),
  scheme_properties: z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? {} : v), schemePropertiesSchema).optional(),
  prices: z.array(priceSchema).optional(),
  /** null even when prices exist (Q17). */
  min_price: priceSchema.nullable().optional(),
  max_price: priceSchema.nullable().optional(),
  created_at: timestamp.optional(),
  updated_at: timestamp.optional(),
  deleted_at: nullableTimestamp.optional(),
});

const namedRefSchema = z.looseObject({ id: intLike, is_active: mixedBool.optional(), name: z.string().nullable().optional() });

export const eventSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool,
  name: z.string(),
  scheme_id: intLike.nullable().optional(),
  currency_id: z.string().nullable().optional(),
  place_name: z.string().nullable().optional(),
  place_address: z.string().nullable().optional(),
  place_description: z.string().nullable().optional(),
  city_id: intLike.nullable().optional(),
  description: z.string().nullable().optional(),
  site_url: z.string().nullable().optional(),
  external_id: stringish.nullable().optional(),
  ticket_id: intLike.nullable().optional(),
  mail_template_id: intLike.nullable().optional(),
  age: z.string().nullable().optional(),
  shows: z.array(showSchema),
  payments: z
    .array(
      z.looseObject({
        id: intLike,
        is_active: mixedBool.optional(),
        name: z.string().nullable().optional(),
        handler: z.string().nullable().optional(),
        agree_url: z.string().nullable().optional(),
      }),
    )
    .optional(),
  /** An object in responses; the docs show a data-URI string on create. */
  poster: z
    .union([z.looseObject({ id: intLike.optional(), url: z.string().nullable().optional() }), z.string()])
    .nullable()
    .optional(),
  event_type_id: intLike.nullable().optional(),
  city: z.looseObject({ id: intLike, name: z.string().nullable().optional(), timezone: z.string().nullable().optional() }).nullable().optional(),
  ticket: namedRefSchema.nullable().optional(),
  mail_template: namedRefSchema.nullable().optional(),
  slug: z.string().nullable().optional(),
  place_coordinates: z.array(numeric).nullable().optional(),
  url: z.string().nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: nullableTimestamp.optional(),
});

export type Price = z.infer<typeof priceSchema>;
export type SchemeProperties = z.infer<typeof schemePropertiesSchema>;
export type Show = z.infer<typeof showSchema>;
export type Event = z.infer<typeof eventSchema>;

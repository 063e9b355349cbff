/** Partners API v1 (§6, §7.10, DOC): status/result envelopes, tickets with int|string ids, local-offset timestamps. */
import { z } from 'zod';
import { intLike, mixedBool, nullableMoney, nullableTimestamp, numeric, stringish, timestamp } from './primitives.schema.ts';

export const partnerErrorSchema = z.looseObject({
  status: z.literal('error'),
  code: z.string(),
  message: z.string().nullable().optional(),
});

/** Ticket id is an integer in find/batch and a string in the add example → normalised to a string. */
export const partnerTicketSchema = z.looseObject({
  id: stringish,
  paid: mixedBool,
  paid_at: nullableTimestamp.optional(),
  seat_id: z.string(),
  offer_id: z.string().nullable().optional(),
  admission: mixedBool.optional(),
  reserved_to: nullableTimestamp.optional(),
  external_id: stringish.nullable().optional(),
  external_order_id: stringish.nullable().optional(),
  barcode: stringish.nullable().optional(),
  price: nullableMoney.optional(),
  client_email: z.string().nullable().optional(),
  client_phone: z.string().nullable().optional(),
  client_name: z.string().nullable().optional(),
  client_surname: z.string().nullable().optional(),
  client_middlename: z.string().nullable().optional(),
  /** find only. */
  deleted: mixedBool.optional(),
  payment_type_id: stringish.nullable().optional(),
  fanid_card: z.looseObject({ id: z.unknown().optional(), value: z.unknown().optional() }).nullable().optional(),
  visitor_user_id: intLike.nullable().optional(),
});

export const partnerTicketsFindSchema = z.looseObject({
  status: z.literal('success'),
  result: z.preprocess((v) => (v === null ? [] : v), z.array(partnerTicketSchema)),
});

/** One seat's check result; `row`/`place` are integers here but strings in REST → normalised to strings. */
export const partnerSeatCheckSchema = z.looseObject({
  seat_id: z.string(),
  offer_id: z.string().nullable().optional(),
  available: mixedBool,
  coords: z.array(numeric).nullable().optional(),
  row: stringish.nullable().optional(),
  place: stringish.nullable().optional(),
  price: nullableMoney.optional(),
  currency_id: z.string().nullable().optional(),
});

/** The event header repeated by most partners responses; `last_update_hash` changes when sellable seats change. */
export const partnerEventHeaderShape = {
  event_id: intLike.optional(),
  show_id: intLike.nullable().optional(),
  event_name: z.string().nullable().optional(),
  start_date: timestamp.nullable().optional(),
  finish_date: timestamp.nullable().optional(),
  scheme: z.looseObject({}).nullable().optional(),
  city: z.looseObject({}).nullable().optional(),
  last_update_hash: z.string().nullable().optional(),
};

export const partnerTicketsCheckSchema = z.looseObject({
  ...partnerEventHeaderShape,
  status: z.literal('success'),
  /** A single object for one seat, an array for `batch`. */
  result: z.union([partnerSeatCheckSchema, z.array(partnerSeatCheckSchema)]),
});

export type PartnerTicket = z.infer<typeof partnerTicketSchema>;
export type PartnerSeatCheck = z.infer<typeof partnerSeatCheckSchema>;
export type PartnerTicketsFind = z.infer<typeof partnerTicketsFindSchema>;
export type PartnerTicketsCheck = z.infer<typeof partnerTicketsCheckSchema>;

/**
 * Orders (§7.1) and their baskets/tickets (§7.2). Both are loose objects so the pipeline can `.omit()` PII keys and
 * `.extend()`; every PII key is optional + nullable so records with those keys removed still validate.
 */
import { z } from 'zod';
import { clientSchema } from './clients.schema.ts';
import { emptyAsNull, intLike, looseJsonObject, mixedBool, money, nullableMoney, nullableTimestamp, stringish, timestamp } from './primitives.schema.ts';

const pii = z.string().nullable().optional();
const nullableInt = intLike.nullable().optional();

/** Basket = one ticket line (37 keys on the wire). */
export const basketSchema = z.looseObject({
  id: intLike,
  series: stringish.nullable().optional(),
  /** 12 digits; null while unpaid and on cancelled tickets. */
  barcode: stringish.nullable().optional(),
  show_id: intLike,
  /** `<ZONE>-<row>;<place>`; general admission is always `...-1;1` (not unique, Q16). */
  seat_id: z.string(),
  seat_name: z.string().nullable().optional(),
  original_price: nullableMoney.optional(),
  ticket_original_price: nullableMoney.optional(),
  discount_value: nullableMoney.optional(),
  price: money,
  ticket_amount: nullableMoney.optional(),
  service_fee_amount: nullableMoney.optional(),
  multiprice_code: z.string().nullable().optional(),
  quantity: intLike.optional(),
  client_email: pii,
  client_phone: pii,
  client_name: pii,
  client_surname: pii,
  client_middlename: pii,
  organization_name: pii,
  legal_name: pii,
  work_position: pii,
  inn: pii,
  kpp: pii,
  comment: pii,
  pdf_url: pii,
  passbook_url: pii,
  related_baskets: z.array(z.unknown()).optional(),
  /** Element shape UNV — kept raw. */
  services: z.array(z.unknown()).optional(),
  checked_at: nullableTimestamp.optional(),
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: nullableTimestamp.optional(),
  refunded_at: nullableTimestamp.optional(),
  /** null on live tickets, 0 on cancelled ones, an amount on refunds (Q13). */
  refunded_amount: nullableMoney.optional(),
  refunded_deduction_amount: nullableMoney.optional(),
  /** Undocumented; element shape UNV — kept raw. */
  refunds: z.array(z.unknown()).optional(),
});

/** UTM block: `[]` when empty (Q11), otherwise string values (numeric ids may arrive as numbers). */
export const utmSchema = emptyAsNull(
  z.looseObject({
    utm_source: stringish.nullable().optional(),
    utm_medium: stringish.nullable().optional(),
    utm_campaign: stringish.nullable().optional(),
    utm_content: stringish.nullable().optional(),
    utm_term: stringish.nullable().optional(),
  }),
);

export const orderSchema = z.looseObject({
  id: intLike,
  uniqid: z.string().optional(),
  payed: mixedBool,
  payed_at: nullableTimestamp,
  client_id: intLike.nullable().optional(),
  client: clientSchema.nullable().optional(),
  client_email: pii,
  client_phone: pii,
  client_name: pii,
  client_surname: pii,
  client_middlename: pii,
  site_id: nullableInt,
  site: z.looseObject({ id: intLike.optional(), host: z.string().nullable().optional() }).nullable().optional(),
  payment_id: nullableInt,
  /** `"card"` or a numeric string (Q12). */
  payment_type_id: stringish.nullable().optional(),
  payment_card_number: pii,
  payment_url: pii,
  cancel_url: pii,
  basket_user_id: nullableInt,
  backend_user_id: nullableInt,
  access_code_id: nullableInt,
  discount_id: nullableInt,
  promo_code_id: nullableInt,
  reserved: mixedBool.optional(),
  reserved_to: nullableTimestamp.optional(),
  reserve_extended: mixedBool.optional(),
  event_id: intLike,
  price: money,
  original_price: nullableMoney.optional(),
  currency_id: z.string().optional(),
  utm: utmSchema.optional(),
  /** `""` in reality, an object in the docs. */
  custom: looseJsonObject.optional(),
  /** `[]` in reality, an object (organization_name, INN, KPP…) in the docs. */
  fields: looseJsonObject.optional(),
  organization_name: pii,
  legal_name: pii,
  work_position: pii,
  inn: pii,
  kpp: pii,
  comment: pii,
  baskets: z.array(basketSchema),
  /** Undocumented; element shape UNV — kept raw. */
  refunds: z.array(z.unknown()).optional(),
  /** `[]` in lists, `{"roistat": {...}}` in single fetches. */
  integrations: looseJsonObject.optional(),
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: nullableTimestamp.optional(),
});

export type Basket = z.infer<typeof basketSchema>;
export type Order = z.infer<typeof orderSchema>;
export type Utm = z.infer<typeof utmSchema>;

import { mixedBool, money } from '@qtp/qtickets-client';
import { z } from 'zod';
import { idSchema, instantSchema } from '../../common/values.schema.ts';

const optionalIdSchema = idSchema.nullish();
const moneySchema = money;
const flagSchema = mixedBool;
const timestampSchema = instantSchema;

/** A ticket line after the PII allow-list (see pii/order-allowlist.ts). */
export const sanitizedBasketSchema = z.looseObject({
  id: idSchema,
  show_id: idSchema,
  seat_id: z.string(),
  seat_name: z.string().nullish(),
  multiprice_code: z.string().nullish(),
  quantity: z.number().int().positive().nullish(),
  original_price: moneySchema,
  discount_value: moneySchema.nullish(),
  price: moneySchema,
  ticket_amount: moneySchema.nullish(),
  service_fee_amount: moneySchema.nullish(),
  checked_at: timestampSchema.nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
  deleted_at: timestampSchema.nullish(),
  refunded_at: timestampSchema.nullish(),
  refunded_amount: moneySchema.nullish(),
  refunded_deduction_amount: moneySchema.nullish(),
});

/** An order after the PII allow-list: what the transformer validates. */
export const sanitizedOrderSchema = z
  .looseObject({
    id: idSchema,
    client_hash: z.string().optional(),
    payed: flagSchema,
    payed_at: timestampSchema.nullable(),
    site_id: optionalIdSchema,
    payment_id: optionalIdSchema,
    payment_type_id: z.union([z.string(), z.number()]).nullish(),
    backend_user_id: optionalIdSchema,
    access_code_id: optionalIdSchema,
    discount_id: optionalIdSchema,
    promo_code_id: optionalIdSchema,
    reserved: flagSchema.nullish(),
    reserved_to: timestampSchema.nullish(),
    event_id: idSchema,
    price: moneySchema,
    original_price: moneySchema,
    currency_id: z.string(),
    utm: z.record(z.string(), z.unknown()).optional(),
    baskets: z.array(sanitizedBasketSchema),
    created_at: timestampSchema,
    updated_at: timestampSchema,
    deleted_at: timestampSchema.nullable(),
  })
  .refine((o) => !o.payed || o.payed_at !== null, { message: 'paid order without payed_at', path: ['payed_at'] });

export type SanitizedOrder = z.output<typeof sanitizedOrderSchema>;
export type SanitizedBasket = z.output<typeof sanitizedBasketSchema>;

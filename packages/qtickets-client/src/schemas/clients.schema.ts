/** Buyer record (§7.3) — `GET /clients` rows and the `client` object embedded in orders. Everything here is PII. */
import { z } from 'zod';
import { intLike } from './primitives.schema.ts';

const optionalText = z.string().nullable().optional();

export const clientDetailsSchema = z.looseObject({
  /** ≠ client id (Q22). */
  id: intLike,
  name: optionalText,
  middlename: optionalText,
  surname: optionalText,
  phone: optionalText,
  vk_id: optionalText,
  facebook_id: optionalText,
});

export const clientSchema = z.looseObject({
  id: intLike,
  email: optionalText,
  details: clientDetailsSchema.nullable().optional(),
});

export type ClientDetails = z.infer<typeof clientDetailsSchema>;
export type Client = z.infer<typeof clientSchema>;

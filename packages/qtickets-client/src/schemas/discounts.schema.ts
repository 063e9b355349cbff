/** Discounts (§7.7). No amount field — the size is only visible per basket (`discount_value`). */
import { z } from 'zod';
import { intLike, mixedBool, nullableTimestamp, timestamp } from './primitives.schema.ts';

export const discountEventSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool.optional(),
  name: z.string().nullable().optional(),
  deleted_at: nullableTimestamp.optional(),
});

export const discountShowSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool.optional(),
  event_id: intLike.optional(),
  sale_start_date: nullableTimestamp.optional(),
  sale_finish_date: nullableTimestamp.optional(),
  open_date: nullableTimestamp.optional(),
  start_date: nullableTimestamp.optional(),
  finish_date: nullableTimestamp.optional(),
  created_at: nullableTimestamp.optional(),
  updated_at: nullableTimestamp.optional(),
  deleted_at: nullableTimestamp.optional(),
});

export const discountSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool,
  name: z.string(),
  active_from: nullableTimestamp.optional(),
  active_to: nullableTimestamp.optional(),
  /** Only "P" observed. */
  type: z.string().nullable().optional(),
  events: z.array(discountEventSchema).optional(),
  shows: z.array(discountShowSchema).optional(),
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: nullableTimestamp.optional(),
});

export type Discount = z.infer<typeof discountSchema>;

/** Promo codes (§7.8). Listed grouped by discount_id with unordered ids inside a group (Q23). No usage counter. */
import { z } from 'zod';
import { intLike, mixedBool, nullableTimestamp, timestamp } from './primitives.schema.ts';

export const promoCodeSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool,
  /** Only 0 observed. */
  type: intLike.optional(),
  discount_id: intLike.nullable(),
  code: z.string(),
  /** 0 most often (INF: unlimited). */
  max_uses_count: intLike.optional(),
  active_from: nullableTimestamp.optional(),
  active_to: nullableTimestamp.optional(),
  created_at: timestamp,
  updated_at: timestamp,
  deleted_at: nullableTimestamp.optional(),
});

export type PromoCode = z.infer<typeof promoCodeSchema>;

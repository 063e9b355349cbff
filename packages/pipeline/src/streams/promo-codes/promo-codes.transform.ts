import { mixedBool } from '@qtp/qtickets-client';
import { z } from 'zod';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined } from '../../common/quarantine.ts';
import { idSchema, instantSchema } from '../../common/values.schema.ts';
import type { RecordResult, TransformContext } from '../stream.ts';
import { refreshColumns, utcOrNull } from '../sync/refresh-row.ts';

export const PROMO_CODES_TABLE = 'dim_qtickets_promo_codes';

/** A promo code (contract §7.8): a limit (`max_uses_count`, 0 = unlimited) but no usage counter. */
export const promoCodeSchema = z.looseObject({
  id: idSchema,
  is_active: mixedBool.nullish(),
  type: z.number().int().nullish(),
  discount_id: idSchema,
  code: z.string(),
  max_uses_count: z.number().int().nonnegative().nullish(),
  active_from: instantSchema.nullish(),
  active_to: instantSchema.nullish(),
  created_at: instantSchema,
  updated_at: instantSchema,
  deleted_at: instantSchema.nullish(),
});

export const PROMO_CODE_FIELDS = [
  'id',
  'is_active',
  'type',
  'discount_id',
  'code',
  'max_uses_count',
  'active_from',
  'active_to',
  'created_at',
  'updated_at',
  'deleted_at',
];

export function transformPromoCode(raw: unknown, ctx: TransformContext): RecordResult {
  const parsed = promoCodeSchema.safeParse(raw);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const p = parsed.data;
  const row = {
    promo_code_id: p.id,
    discount_id: p.discount_id,
    code: p.code,
    type: p.type ?? 0,
    is_active: p.is_active ? 1 : 0,
    max_uses_count: p.max_uses_count ?? 0,
    active_from: utcOrNull(p.active_from),
    active_to: utcOrNull(p.active_to),
    created_at: toClickHouseUtc(p.created_at),
    updated_at: toClickHouseUtc(p.updated_at),
    deleted_at: utcOrNull(p.deleted_at),
    ...refreshColumns(ctx, p.deleted_at ?? null),
  };
  return { kind: 'rows', id: p.id, rows: { [PROMO_CODES_TABLE]: [row] } };
}

import { mixedBool } from '@qtp/qtickets-client';
import { z } from 'zod';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined } from '../../common/quarantine.ts';
import { idSchema, instantSchema } from '../../common/values.schema.ts';
import type { RecordResult, TransformContext } from '../stream.ts';
import { refreshColumns, utcOrNull } from '../sync/refresh-row.ts';

export const DISCOUNTS_TABLE = 'dim_qtickets_discounts';

const ref = z.looseObject({ id: idSchema });

/** A discount (contract §7.7). It has no amount: the size of a discount shows only per ticket line. */
export const discountSchema = z.looseObject({
  id: idSchema,
  is_active: mixedBool.nullish(),
  name: z.string(),
  type: z.string().nullish(),
  active_from: instantSchema.nullish(),
  active_to: instantSchema.nullish(),
  events: z.array(ref).nullish(),
  shows: z.array(ref).nullish(),
  created_at: instantSchema,
  updated_at: instantSchema,
  deleted_at: instantSchema.nullish(),
});

/** Fields that leave the fetcher (a discount holds no personal data; the embedded events/shows shrink to ids). */
export const DISCOUNT_FIELDS = ['id', 'is_active', 'name', 'type', 'active_from', 'active_to', 'events', 'shows', 'created_at', 'updated_at', 'deleted_at'];

export function transformDiscount(raw: unknown, ctx: TransformContext): RecordResult {
  const parsed = discountSchema.safeParse(raw);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const d = parsed.data;
  const row = {
    discount_id: d.id,
    name: d.name,
    type: d.type ?? '',
    is_active: d.is_active ? 1 : 0,
    active_from: utcOrNull(d.active_from),
    active_to: utcOrNull(d.active_to),
    event_ids: (d.events ?? []).map((e) => e.id),
    show_ids: (d.shows ?? []).map((s) => s.id),
    created_at: toClickHouseUtc(d.created_at),
    updated_at: toClickHouseUtc(d.updated_at),
    deleted_at: utcOrNull(d.deleted_at),
    ...refreshColumns(ctx, d.deleted_at ?? null),
  };
  return { kind: 'rows', id: d.id, rows: { [DISCOUNTS_TABLE]: [row] } };
}

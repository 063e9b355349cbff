import { mixedBool, nullableMoney, stringish } from '@qtp/qtickets-client';
import { z } from 'zod';
import { moscowDate, toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined } from '../../common/quarantine.ts';
import { idSchema, instantSchema } from '../../common/values.schema.ts';
import type { RecordResult, TransformContext } from '../stream.ts';

export const CHECKIN_TABLES = {
  barcodes: 'stg_qtickets_api_barcodes',
  lists: 'stg_qtickets_api_barcode_lists',
  checkins: 'stg_qtickets_api_checkins',
} as const;

const hash = z.string().regex(/^[0-9a-f]{32}$/, 'expected a barcode hash');

/** The parents the scheduler plans: a show's barcode list, or one barcode's scan status. */
export const listParentSchema = z.object({ kind: z.literal('list'), show_id: idSchema, event_id: idSchema });
export const scanParentSchema = z.object({
  kind: z.literal('scan'),
  show_id: idSchema,
  event_id: idSchema,
  barcode_hash: hash,
  token: z.string().min(1),
  zone_name: z.string(),
  seat_name: z.string(),
});
export const checkinParentSchema = z.discriminatedUnion('kind', [listParentSchema, scanParentSchema]);
export type CheckinParent = z.output<typeof checkinParentSchema>;

const listSchema = z.object({ kind: z.literal('list'), count: z.number().int().nonnegative() });
const barcodeSchema = z.object({
  kind: z.literal('barcode'),
  barcode_hash: hash,
  barcode_token: z.string().min(1),
  admission: mixedBool.optional(),
  price: nullableMoney.optional(),
  seat_name: z.string().nullish(),
  zone_name: z.string().nullish(),
  row: stringish.nullish(),
  place: stringish.nullish(),
});
const scanSchema = z.object({ kind: z.literal('scan'), barcode_hash: hash, checked_at: instantSchema.nullable() });
const recordSchema = z.discriminatedUnion('kind', [listSchema, barcodeSchema, scanSchema]);

/**
 * Pure: one sanitised record of the checkins stream → rows.
 *   list    → stg_qtickets_api_barcode_lists (the show was listed at fetch time, with `count` valid barcodes);
 *   barcode → stg_qtickets_api_barcodes (valid as of this list; version = the list's fetch time);
 *   scan    → stg_qtickets_api_checkins (scan status as polled; zone and seat come from the barcode's list row,
 *             carried by the parent, since the scan endpoint returns only `{barcode, checked_at}`).
 */
export function transformCheckinRecord(raw: unknown, ctx: TransformContext): RecordResult {
  const rec = recordSchema.safeParse(raw);
  if (!rec.success) return quarantined(raw, rec.error);
  const parent = checkinParentSchema.safeParse(ctx.parent);
  if (!parent.success) return quarantined(raw, `parent: ${parent.error.issues[0]?.message ?? 'missing show'}`);
  const p = parent.data;
  const r = rec.data;
  const at = toClickHouseUtc(ctx.fetchedAt);
  const show = { show_id: p.show_id, event_id: p.event_id };
  if (r.kind === 'scan') {
    if (p.kind !== 'scan') return quarantined(raw, 'a scan status outside a scan poll');
    if (r.barcode_hash !== p.barcode_hash) return quarantined(raw, 'the scan status is for another barcode than the one polled');
    const checked = r.checked_at === null ? null : toClickHouseUtc(r.checked_at);
    const row = {
      ...show,
      barcode_hash: r.barcode_hash,
      zone_name: p.zone_name,
      seat_name: p.seat_name,
      checked_at: checked,
      checked_date_msk: r.checked_at === null ? null : moscowDate(r.checked_at),
      polled_at: at,
      _ver: at,
    };
    return { kind: 'rows', rows: { [CHECKIN_TABLES.checkins]: [row] } };
  }
  if (p.kind !== 'list') return quarantined(raw, 'a barcode list record outside a list read');
  if (r.kind === 'list') {
    return { kind: 'rows', rows: { [CHECKIN_TABLES.lists]: [{ ...show, listed_at: at, barcodes: r.count, _run_id: ctx.runId, _ver: at }] } };
  }
  const row = {
    ...show,
    barcode_hash: r.barcode_hash,
    barcode_token: r.barcode_token,
    zone_name: r.zone_name ?? '',
    seat_name: r.seat_name ?? '',
    row: r.row ?? '',
    place: r.place ?? '',
    admission: r.admission ? 1 : 0,
    price: r.price ?? null,
    is_valid: 1,
    listed_at: at,
    vanished_at: null,
    _run_id: ctx.runId,
    _ver: at,
  };
  return { kind: 'rows', rows: { [CHECKIN_TABLES.barcodes]: [row] } };
}

import { z } from 'zod';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined } from '../../common/quarantine.ts';
import type { RecordResult, TransformContext } from '../stream.ts';

export const INVENTORY_TABLE = 'stg_qtickets_api_inventory_raw';
/** Snapshots within one bucket collapse to the latest (the ReplacingMergeTree key holds the bucket). */
export const SNAPSHOT_BUCKET_MS = 5 * 60_000;

const count = z.number().int().nonnegative();
const snapshotSchema = z.object({
  shape: z.enum(['flat', 'hierarchical', 'none']),
  zones: z.array(
    z.object({
      zone_id: z.string(),
      zone_name: z.string(),
      seats: count,
      admission_entries: count,
      capacity: count,
      sold: count.nullable(),
      held: count.nullable(),
      free: count.nullable(),
    }),
  ),
});
const parentSchema = z.object({ show_id: z.number().int().positive(), event_id: z.number().int().nonnegative() });

/** Pure: one show's seat counts per zone → one snapshot row per zone (an empty snapshot: one row, zone ''). */
export function transformInventory(raw: unknown, ctx: TransformContext): RecordResult {
  const snap = snapshotSchema.safeParse(raw);
  if (!snap.success) return quarantined(raw, snap.error);
  const parent = parentSchema.safeParse(ctx.parent);
  if (!parent.success) return quarantined(raw, `parent: ${parent.error.issues[0]?.message ?? 'missing show'}`);
  const at = Date.parse(ctx.fetchedAt);
  const common = {
    show_id: parent.data.show_id,
    event_id: parent.data.event_id,
    shape: snap.data.shape,
    snapshot_at: toClickHouseUtc(ctx.fetchedAt),
    snapshot_bucket: toClickHouseUtc(new Date(at - (at % SNAPSHOT_BUCKET_MS)).toISOString()),
    _ver: toClickHouseUtc(ctx.fetchedAt),
  };
  const zones =
    snap.data.zones.length > 0 ? snap.data.zones : [{ zone_id: '', zone_name: '', seats: 0, admission_entries: 0, capacity: 0, sold: 0, held: 0, free: 0 }];
  const rows = zones.map((z) => ({ ...common, ...z }));
  return { kind: 'rows', id: parent.data.show_id, rows: { [INVENTORY_TABLE]: rows } };
}

import { mixedBool } from '@qtp/qtickets-client';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { instantMs, maxTimestamp, moscowDate, toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined, type TransformFailure } from '../../common/quarantine.ts';
import { idSchema, instantSchema } from '../../common/values.schema.ts';
import type { RecordRows } from '../stream.ts';

export const SHOWS_TABLE = 'stg_qtickets_api_shows';

const ts = instantSchema;
const intLike = idSchema;

const showSchema = z.looseObject({
  id: intLike,
  name: z.string().nullish(),
  is_active: mixedBool.nullish(),
  sale_start_date: ts.nullish(),
  sale_finish_date: ts.nullish(),
  open_date: ts.nullish(),
  start_date: ts,
  finish_date: ts.nullish(),
  created_at: ts,
  updated_at: ts,
  deleted_at: ts.nullish(),
});

const eventSchema = z.looseObject({
  id: intLike,
  is_active: mixedBool,
  name: z.string(),
  place_name: z.string().nullish(),
  city: z.looseObject({ id: intLike.nullish(), name: z.string().nullish(), timezone: z.string().nullish() }).nullish(),
  shows: z.array(showSchema),
  created_at: ts,
  updated_at: ts,
  deleted_at: ts.nullish(),
});

/** Row of stg_qtickets_api_shows (migration 0008). */
export type ShowRow = {
  show_id: number;
  event_id: number;
  event_name: string;
  event_is_active: 0 | 1;
  event_deleted_at: string | null;
  place_name: string;
  city_name: string;
  city_timezone: string;
  show_name: string;
  show_is_active: 0 | 1;
  start_at: string;
  finish_at: string | null;
  open_at: string | null;
  sale_start_at: string | null;
  sale_finish_at: string | null;
  show_date_msk: string;
  show_date_local: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  _ver: string;
};

export type EventTransformResult = (RecordRows & { shows: ShowRow[] }) | TransformFailure;

const utc = (v: string | null | undefined) => (v ? toClickHouseUtc(v) : null);

/**
 * The venue's own calendar date. The API prints every time with the Moscow offset, even for venues elsewhere
 * (contract Q7); the city's time zone is the only hint, so the local date is derived from it (Moscow when unknown).
 */
function localDate(start: string, zone: string | null | undefined): string {
  const ms = instantMs(start) as number;
  const dt = zone ? DateTime.fromMillis(ms, { zone }) : null;
  return dt?.isValid ? (dt.toISODate() as string) : moscowDate(start);
}

/** Pure: one event (seat schemes already dropped) → one row per show, keyed by show id; or a quarantine entry. */
export function transformEvent(raw: unknown): EventTransformResult {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const e = parsed.data;
  try {
    const shows = e.shows.map(
      (s): ShowRow => ({
        show_id: s.id,
        event_id: e.id,
        event_name: e.name,
        event_is_active: e.is_active ? 1 : 0,
        event_deleted_at: utc(e.deleted_at),
        place_name: e.place_name ?? '',
        city_name: e.city?.name ?? '',
        city_timezone: e.city?.timezone ?? '',
        show_name: s.name ?? '',
        show_is_active: s.is_active === false ? 0 : 1,
        start_at: toClickHouseUtc(s.start_date),
        finish_at: utc(s.finish_date),
        open_at: utc(s.open_date),
        sale_start_at: utc(s.sale_start_date),
        sale_finish_at: utc(s.sale_finish_date),
        show_date_msk: moscowDate(s.start_date),
        show_date_local: localDate(s.start_date, e.city?.timezone),
        created_at: toClickHouseUtc(s.created_at),
        updated_at: toClickHouseUtc(s.updated_at),
        deleted_at: utc(s.deleted_at),
        _ver: toClickHouseUtc(maxTimestamp(e.updated_at, s.updated_at)),
      }),
    );
    return { kind: 'rows', id: e.id, updatedAtMs: instantMs(e.updated_at) ?? 0, rows: { [SHOWS_TABLE]: shows }, shows };
  } catch (err) {
    return quarantined(raw, (err as Error).message);
  }
}

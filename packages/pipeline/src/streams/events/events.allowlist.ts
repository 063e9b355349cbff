import { isObject, pick, type SanitizedRecord } from '../../common/pick.ts';

/**
 * Events carry no personal data, but their pages are heavy (~1.3 MB per 10 events, contract §5.3) because each show
 * embeds its whole seat scheme. The fetcher keeps only what the shows table needs, so job data stays small.
 */
const EVENT_FIELDS = [
  'id',
  'is_active',
  'name',
  'place_name',
  'city_id',
  'event_type_id',
  'age',
  'currency_id',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;
const SHOW_FIELDS = [
  'id',
  'name',
  'is_active',
  'sale_start_date',
  'sale_finish_date',
  'open_date',
  'start_date',
  'finish_date',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;
const CITY_FIELDS = ['id', 'name', 'timezone'] as const;

export function sanitizeEvent(raw: unknown): SanitizedRecord {
  if (!isObject(raw)) return { _malformed: typeof raw };
  const out = pick(raw, EVENT_FIELDS);
  if (isObject(raw.city)) out.city = pick(raw.city, CITY_FIELDS);
  if ('shows' in raw) out.shows = Array.isArray(raw.shows) ? raw.shows.map((s) => (isObject(s) ? pick(s, SHOW_FIELDS) : s)) : raw.shows;
  return out;
}

import { DateTime } from 'luxon';

export const MOSCOW = 'Europe/Moscow';

const WIRE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an API timestamp (`2025-11-18T14:04:55+03:00`; also `Z` and fractions), or null when it is
 * not a real instant. The wire format is fixed, so it is parsed directly (transforms do this ~30 times per order).
 */
export function instantMs(ts: string): number | null {
  // The same timestamps come again and again (an order's updated_at in every line, a show's date in every basket):
  // a bounded memo turns most of them into one lookup.
  let ms = instantMemo.get(ts);
  if (ms === undefined) {
    ms = parseInstant(ts);
    if (instantMemo.size >= MEMO_SIZE) instantMemo.clear();
    instantMemo.set(ts, ms);
  }
  return ms;
}

const MEMO_SIZE = 20_000;
const instantMemo = new Map<string, number | null>();
const utcMemo = new Map<string, string>();

function parseInstant(ts: string): number | null {
  const m = WIRE.exec(ts);
  if (!m) {
    const dt = DateTime.fromISO(ts, { setZone: true });
    return dt.isValid && /[zZ]|[+-]\d{2}:?\d{2}$/.test(ts) ? dt.toMillis() : null;
  }
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  if (new Date(local).getUTCDate() !== d) return null; // 2025-02-30 and the like
  const offsetMin = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  return local - offsetMin * 60_000;
}

/** `YYYY-MM-DD HH:mm:ss.SSS` in UTC, the form our DateTime64(3, 'UTC') columns take. */
export function toClickHouseUtc(ts: string): string {
  let out = utcMemo.get(ts);
  if (out === undefined) {
    const ms = instantMs(ts);
    if (ms === null) throw new Error(`not a timestamp: ${ts}`);
    const iso = new Date(ms).toISOString();
    out = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    if (utcMemo.size >= MEMO_SIZE) utcMemo.clear();
    utcMemo.set(ts, out);
  }
  return out;
}

// Moscow's UTC offset by UTC hour, from luxon's tz database. Moscow's changes (DST before 2011, UTC+4 in 2011–2014,
// UTC+3 since) all happened on whole UTC hours, so an hour bucket is exact.
const offsetByHour = new Map<number, number>();

function moscowOffsetMinutes(ms: number): number {
  const hour = Math.floor(ms / 3_600_000);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size > 200_000) offsetByHour.clear();
    offset = DateTime.fromMillis(hour * 3_600_000, { zone: MOSCOW }).offset;
    offsetByHour.set(hour, offset);
  }
  return offset;
}

/**
 * The Moscow calendar date of an instant, by the tz database (Moscow was UTC+4 from 2011-03-27 to 2014-10-26 and
 * observed DST before 2011), not by the offset printed on the wire.
 */
export function moscowDate(ts: string): string {
  const ms = instantMs(ts);
  if (ms === null) throw new Error(`not a timestamp: ${ts}`);
  return new Date(ms + moscowOffsetMinutes(ms) * 60_000).toISOString().slice(0, 10);
}

export function maxTimestamp(a: string, b: string): string {
  const da = instantMs(a);
  const db = instantMs(b);
  if (da === null || db === null) throw new Error(`not a timestamp: ${da === null ? a : b}`);
  return da >= db ? a : b;
}

/** An instant as the API writes it: Moscow offset with a colon, whole seconds (`2025-11-01T00:00:00+03:00`). */
export function toApiTimestamp(iso: string): string {
  const ms = instantMs(iso);
  if (ms === null) throw new Error(`not a timestamp: ${iso}`);
  return DateTime.fromMillis(Math.floor(ms / 1000) * 1000, { zone: MOSCOW }).toFormat("yyyy-LL-dd'T'HH:mm:ssZZ");
}

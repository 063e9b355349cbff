import { DateTime } from 'luxon';

export const MOSCOW = 'Europe/Moscow';

/** Parses an API timestamp (offset kept on the wire, e.g. `2025-11-18T14:04:55+03:00`); null when not a valid instant. */
export function parseInstant(ts: string): DateTime | null {
  const dt = DateTime.fromISO(ts, { setZone: true });
  return dt.isValid ? dt : null;
}

/** `YYYY-MM-DD HH:mm:ss.SSS` in UTC, the form our DateTime64(3, 'UTC') columns take. */
export function toClickHouseUtc(ts: string): string {
  const dt = parseInstant(ts);
  if (!dt) throw new Error(`not a timestamp: ${ts}`);
  return dt.toUTC().toFormat('yyyy-LL-dd HH:mm:ss.SSS');
}

/**
 * The Moscow calendar date of an instant, by the tz database (Moscow was UTC+4 from 2011-03-27 to 2014-10-26 and
 * observed DST before 2011), not by the offset printed on the wire.
 */
export function moscowDate(ts: string): string {
  const dt = parseInstant(ts);
  if (!dt) throw new Error(`not a timestamp: ${ts}`);
  return dt.setZone(MOSCOW).toISODate() as string;
}

export function maxTimestamp(a: string, b: string): string {
  const da = parseInstant(a);
  const db = parseInstant(b);
  if (!da || !db) throw new Error(`not a timestamp: ${da ? b : a}`);
  return da.toMillis() >= db.toMillis() ? a : b;
}

/** An instant as the API writes it: Moscow offset with a colon, whole seconds (`2025-11-01T00:00:00+03:00`). */
export function toApiTimestamp(iso: string): string {
  const dt = parseInstant(iso);
  if (!dt) throw new Error(`not a timestamp: ${iso}`);
  return dt.setZone(MOSCOW).toFormat("yyyy-LL-dd'T'HH:mm:ssZZ");
}

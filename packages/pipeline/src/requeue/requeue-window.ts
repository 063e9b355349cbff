import { DateTime } from 'luxon';
import { MOSCOW } from '../common/moscow-time.ts';

/**
 * A backfill window from the CLI's `--from`/`--to`: Moscow calendar days (`2026-10-01`, both ends included) or ISO
 * instants with an offset (`2026-10-01T12:00:00+03:00`, end excluded). Returns ISO instants [from, to).
 */
export function parseWindow(from: string, to: string): { from: string; to: string } {
  const start = parseEnd(from, 'from', false);
  const end = parseEnd(to, 'to', true);
  if (start.toMillis() >= end.toMillis()) throw new Error(`--from (${from}) must be before --to (${to})`);
  return { from: start.toUTC().toISO() as string, to: end.toUTC().toISO() as string };
}

function parseEnd(value: string, name: string, isEnd: boolean): DateTime {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: MOSCOW });
    if (!day.isValid) throw new Error(`--${name}: ${value} is not a calendar date`);
    return isEnd ? day.plus({ days: 1 }).startOf('day') : day.startOf('day');
  }
  const instant = DateTime.fromISO(value, { setZone: true });
  if (!instant.isValid || !/(Z|[+-]\d{2}:\d{2})$/.test(value))
    throw new Error(`--${name}: ${value} is neither a date (YYYY-MM-DD, Moscow) nor an ISO instant with offset`);
  return instant;
}

/**
 * Time on the wire: `YYYY-MM-DDTHH:MM:SS+03:00`, Moscow offset, no fractions (contract §4.3).
 * Internally every instant is an integer number of epoch seconds. Europe/Moscow is a constant +03:00.
 */

export const MOSCOW_OFFSET_SECONDS = 3 * 3600;
export const DAY = 86_400;
export const HOUR = 3_600;
export const MINUTE = 60;

const dayCache = new Map<number, string>();
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats epoch seconds with a fixed offset (hours), e.g. `2025-11-18T14:04:55+03:00`. */
export function formatTs(epochSeconds: number, offsetHours = 3): string {
  if (offsetHours === 3 && Number.isInteger(epochSeconds)) {
    const local = epochSeconds + MOSCOW_OFFSET_SECONDS;
    const day = Math.floor(local / DAY);
    let d = dayCache.get(day);
    if (d === undefined) {
      d = new Date(day * DAY * 1000).toISOString().slice(0, 10);
      dayCache.set(day, d);
    }
    const s = local - day * DAY;
    return `${d}T${two(Math.floor(s / HOUR))}:${two(Math.floor((s % HOUR) / MINUTE))}:${two(s % MINUTE)}+03:00`;
  }
  const local = new Date((epochSeconds + offsetHours * 3600) * 1000).toISOString().slice(0, 19);
  const sign = offsetHours < 0 ? '-' : '+';
  const abs = Math.abs(offsetHours);
  return `${local}${sign}${String(Math.floor(abs)).padStart(2, '0')}:${String(Math.round((abs % 1) * 60)).padStart(2, '0')}`;
}

export function formatNullableTs(epochSeconds: number | null): string | null {
  return epochSeconds === null ? null : formatTs(epochSeconds);
}

/** Moscow calendar date `YYYY-MM-DD` of an instant. */
export function moscowDate(epochSeconds: number): string {
  return new Date((epochSeconds + MOSCOW_OFFSET_SECONDS) * 1000).toISOString().slice(0, 10);
}

/** Hour of day (0–23) in Moscow. */
export function moscowHour(epochSeconds: number): number {
  return Math.floor(((((epochSeconds + MOSCOW_OFFSET_SECONDS) % DAY) + DAY) % DAY) / HOUR);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses a date value as a filter operand or an option: ISO 8601 with `Z`, `+03:00` or `+0300`; a value without an
 * offset (or a bare date) is read as Moscow local time. Returns epoch seconds, or null when the text is not a date
 * (e.g. a `+` that a query string decoded into a space).
 */
export function parseTs(text: string): number | null {
  const m = DATE_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', off] = m;
  let offsetSeconds = MOSCOW_OFFSET_SECONDS;
  if (off === 'Z') offsetSeconds = 0;
  else if (off) {
    const sign = off.startsWith('-') ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    offsetSeconds = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  return Math.floor(ms / 1000) - offsetSeconds;
}

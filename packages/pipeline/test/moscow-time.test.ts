import { describe, expect, it } from 'vitest';
import { maxTimestamp, moscowDate, toClickHouseUtc } from '../src/common/moscow-time.ts';

describe('Moscow dates', () => {
  it.each([
    // [instant on the wire, Moscow date, why]
    ['2025-11-18T14:04:55+03:00', '2025-11-18', 'ordinary afternoon'],
    ['2025-11-18T23:59:59+03:00', '2025-11-18', 'last second of the Moscow day'],
    ['2025-11-19T00:00:00+03:00', '2025-11-19', 'first second of the Moscow day'],
    ['2025-11-18T21:00:00Z', '2025-11-19', 'UTC 21:00 is Moscow midnight'],
    ['2025-11-18T20:59:59Z', '2025-11-18', 'one second before Moscow midnight, in UTC'],
    ['2025-12-31T23:30:00+03:00', '2025-12-31', 'new year eve'],
    ['2025-12-31T21:00:00+00:00', '2026-01-01', 'new year in Moscow, still the old year in UTC'],
    ['2025-11-18T20:00:00+07:00', '2025-11-18', 'a Tomsk-offset stamp is re-expressed in Moscow'],
    ['2013-06-01T20:30:00Z', '2013-06-02', 'Moscow was UTC+4 in 2011–2014: 20:30Z is 00:30 next day'],
    ['2013-06-01T19:59:59Z', '2013-06-01', 'UTC+4 era: 19:59:59Z is 23:59:59 Moscow'],
    ['2014-10-26T21:30:00Z', '2014-10-27', 'after the 2014-10-26 switch back to UTC+3'],
    ['2010-07-01T20:30:00Z', '2010-07-02', 'summer time before 2011 (UTC+4)'],
    ['2010-01-15T20:30:00Z', '2010-01-15', 'winter time before 2011 (UTC+3)'],
  ])('%s → %s (%s)', (ts, date) => {
    expect(moscowDate(ts)).toBe(date);
  });

  it('stores instants in UTC with milliseconds', () => {
    expect(toClickHouseUtc('2025-11-18T14:04:55+03:00')).toBe('2025-11-18 11:04:55.000');
    expect(toClickHouseUtc('2025-11-18T14:04:55.5Z')).toBe('2025-11-18 14:04:55.500');
  });

  it('compares instants, not strings', () => {
    expect(maxTimestamp('2025-11-18T14:00:00+03:00', '2025-11-18T12:00:00Z')).toBe('2025-11-18T12:00:00Z');
  });

  it('rejects what is not a timestamp', () => {
    expect(() => moscowDate('not-a-date')).toThrow(/not a timestamp/);
  });
});

describe('Moscow dates agree with luxon at every hour across the offset changes', () => {
  it.each([
    ['DST spring 2010', '2010-03-27T18:00:00Z'],
    ['DST autumn 2010', '2010-10-30T18:00:00Z'],
    ['switch to UTC+4, 2011', '2011-03-26T18:00:00Z'],
    ['switch back to UTC+3, 2014', '2014-10-25T18:00:00Z'],
  ])('%s', async (_name, from) => {
    const { DateTime } = await import('luxon');
    const start = Date.parse(from);
    for (let m = 0; m < 12 * 60; m += 7) {
      const ms = start + m * 60_000;
      const ts = new Date(ms).toISOString().replace('.000Z', 'Z');
      expect(moscowDate(ts)).toBe(DateTime.fromMillis(ms, { zone: 'Europe/Moscow' }).toISODate());
    }
  });

  it.each(['2025-02-30T10:00:00+03:00', '2025-13-01T10:00:00+03:00', '2025-11-18T24:00:00+03:00', '2025-11-18 14:04:55', 'not-a-date'])('rejects %s', (ts) => {
    expect(() => moscowDate(ts)).toThrow(/not a timestamp/);
  });
});

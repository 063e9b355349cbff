import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.ts';
import { sanitizeEvent } from './events.allowlist.ts';
import { transformEvent } from './events.transform.ts';

type Envelope = { data: Array<Record<string, unknown>> };
const events = fixture<Envelope>('events.page1.json').data;

function event(over: Record<string, unknown> = {}, shows: Array<Record<string, unknown>> = [show()]) {
  return {
    id: 90412,
    is_active: 1,
    name: 'Выставка роботов',
    place_name: 'ДК',
    city: { id: 1, name: 'Томск', timezone: 'Asia/Tomsk' },
    shows,
    created_at: '2025-10-01T10:00:00+03:00',
    updated_at: '2025-10-05T10:00:00+03:00',
    deleted_at: null,
    ...over,
  };
}
function show(over: Record<string, unknown> = {}) {
  return {
    id: 610021,
    name: '',
    is_active: 1,
    start_date: '2025-11-20T20:00:00+03:00',
    finish_date: '2025-11-20T22:00:00+03:00',
    open_date: null,
    sale_start_date: null,
    sale_finish_date: '2025-11-20T19:00:00+03:00',
    created_at: '2025-10-01T10:00:00+03:00',
    updated_at: '2025-10-06T10:00:00+03:00',
    deleted_at: null,
    ...over,
  };
}

describe('events → show rows', () => {
  it.each(events.map((e) => [e.id, e] as const))('fixture event %s: one row per show, seat schemes dropped', (_id, raw) => {
    const clean = sanitizeEvent(raw);
    expect(JSON.stringify(clean)).not.toContain('scheme_properties');
    expect(JSON.stringify(clean).length).toBeLessThan(JSON.stringify(raw).length);
    const r = transformEvent(clean);
    if (r.kind !== 'rows') throw new Error(r.reason);
    expect(r.shows.map((s) => s.show_id)).toEqual((raw.shows as Array<{ id: number }>).map((s) => s.id));
    for (const s of r.shows) expect(s.event_id).toBe(raw.id);
  });

  it('keeps soft-deleted events (their shows say so)', () => {
    const deleted = events.find((e) => e.deleted_at !== null);
    expect(deleted).toBeDefined();
    const r = transformEvent(sanitizeEvent(deleted));
    expect(r.kind === 'rows' && r.shows.every((s) => s.event_deleted_at !== null)).toBe(true);
  });

  it.each([
    // start on the wire (always +03:00), venue zone, Moscow date, venue-local date
    ['2025-11-20T20:00:00+03:00', 'Asia/Tomsk', '2025-11-20', '2025-11-21'], // Q7: 20:00 Moscow is midnight in Tomsk (UTC+7)
    ['2025-11-20T19:59:00+03:00', 'Asia/Tomsk', '2025-11-20', '2025-11-20'],
    ['2025-11-20T23:30:00+03:00', 'Europe/Kaliningrad', '2025-11-20', '2025-11-20'],
    ['2025-11-21T00:30:00+03:00', 'Europe/Kaliningrad', '2025-11-21', '2025-11-20'],
    ['2025-11-20T20:00:00+03:00', null, '2025-11-20', '2025-11-20'],
    ['2025-11-20T20:00:00+03:00', 'Not/AZone', '2025-11-20', '2025-11-20'],
  ])('show at %s in %s: Moscow day %s, local day %s', (start, zone, msk, local) => {
    const r = transformEvent(event({ city: zone ? { id: 1, name: 'x', timezone: zone } : null }, [show({ start_date: start })]));
    expect(r.kind === 'rows' && r.shows[0]).toMatchObject({ show_date_msk: msk, show_date_local: local });
  });

  it("a show's version is the later of its own and its event's update", () => {
    const r = transformEvent(event({ updated_at: '2025-11-01T00:00:00+03:00' }));
    expect(r.kind === 'rows' && r.shows[0]?._ver).toBe('2025-10-31 21:00:00.000');
  });

  it.each([
    ['show without a start', event({}, [show({ start_date: null })]), /shows\.0\.start_date/],
    ['shows not an array', event({ shows: {} }), /shows/],
    ['bad id', event({ id: 'x' }), /id/],
  ])('quarantines %s', (_n, input, reason) => {
    const r = transformEvent(input);
    expect(r.kind).toBe('quarantine');
    expect(r.kind === 'quarantine' && r.reason).toMatch(reason);
  });
});

import { parseShowSeats } from '@qtp/qtickets-client';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.ts';
import { dueShows, FINAL_SNAPSHOT_WINDOW_MS, type ShowTimes } from './inventory.due.ts';
import { INVENTORY_TABLE, transformInventory } from './inventory.transform.ts';
import { seatsSnapshot } from './inventory.zones.ts';

const seats = (name: string) => parseShowSeats(fixture<{ data: unknown }>(name).data);

describe('seats → counts per zone (the fetcher allow-list)', () => {
  it('flat shape: capacity, sold, held and free per zone from the per-seat quantities', () => {
    const snap = seatsSnapshot(seats('shows.seats.flat.json'));
    expect(snap.shape).toBe('flat');
    const raw = Object.values(fixture<{ data: Record<string, Record<string, unknown>> }>('shows.seats.flat.json').data);
    const sum = (k: string) => raw.reduce((n, s) => n + Number(s[k] ?? 0), 0);
    expect(snap.zones.reduce((n, z) => n + z.capacity, 0)).toBe(sum('max_quantity'));
    expect(snap.zones.reduce((n, z) => n + (z.free ?? 0), 0)).toBe(sum('free_quantity'));
    expect(snap.zones.reduce((n, z) => n + (z.sold ?? 0), 0)).toBe(sum('payed_quantity'));
    expect(snap.zones.reduce((n, z) => n + (z.held ?? 0), 0)).toBe(sum('ordered_quantity') - sum('payed_quantity'));
    expect(snap.zones.map((z) => z.zone_id)).toContain('PARTERRE');
    expect(JSON.stringify(snap)).not.toMatch(/spread|client_emails|coords/);
  });

  it('hierarchical seated shape: numbered seats only, counts unknown', () => {
    const snap = seatsSnapshot(seats('shows.seats.seated.json'));
    expect(snap.shape).toBe('hierarchical');
    const parterre = snap.zones.find((z) => z.zone_id === 'PARTERRE');
    expect(parterre).toMatchObject({ zone_name: 'Партер', seats: 3, capacity: 3, sold: null, held: null, free: null });
    // a general-admission entry is not a free seat and not a numbered one
    expect(snap.zones.find((z) => z.zone_id === 'VHODNOJ')).toMatchObject({ seats: 0, admission_entries: 1, capacity: 0 });
  });

  it('hierarchical admission shape: admission entries, capacity unknown without counts', () => {
    const snap = seatsSnapshot(seats('shows.seats.admission.json'));
    expect(snap.zones).toHaveLength(2);
    for (const z of snap.zones) expect(z).toMatchObject({ seats: 0, admission_entries: 1, free: null });
  });

  it('a show without a seats block still gets one (empty) snapshot row', () => {
    const snap = seatsSnapshot(parseShowSeats([]));
    expect(snap).toEqual({ shape: 'none', zones: [] });
    const r = transformInventory(snap, { fetchedAt: '2026-11-20T09:07:31.000Z', runId: 'r', parent: { show_id: 5, event_id: 2 } });
    expect(r.kind === 'rows' && r.rows[INVENTORY_TABLE]).toEqual([
      expect.objectContaining({ show_id: 5, event_id: 2, zone_id: '', capacity: 0, shape: 'none', snapshot_bucket: '2026-11-20 09:05:00.000' }),
    ]);
  });

  it('quarantines a snapshot without its show', () => {
    expect(transformInventory({ shape: 'none', zones: [] }, { fetchedAt: '2026-11-20T09:00:00Z', runId: 'r' }).kind).toBe('quarantine');
  });
});

describe('which shows are due for a snapshot', () => {
  const H = 3_600_000;
  const now = Date.parse('2026-11-20T12:00:00Z');
  const cadence = { nearMs: 5 * 60_000, weekMs: H, farMs: 24 * H };
  const show = (id: number, startIn: number, last: number | null, length = 2 * H): ShowTimes => ({
    showId: id,
    eventId: 1,
    startMs: now + startIn,
    endMs: now + startIn + length,
    lastSnapshotMs: last === null ? null : now - last,
  });

  it.each([
    ['never seen, long over: once', show(1, -100 * 24 * H, null), true],
    ['far out, snapshotted 23 h ago', show(2, 30 * 24 * H, 23 * H), false],
    ['far out, snapshotted 25 h ago', show(3, 30 * 24 * H, 25 * H), true],
    ['within a week, 50 min ago', show(4, 3 * 24 * H, 50 * 60_000), false],
    ['within a week, 61 min ago', show(5, 3 * 24 * H, 61 * 60_000), true],
    ['today, 4 min ago', show(6, 5 * H, 4 * 60_000), false],
    ['today, 6 min ago', show(7, 5 * H, 6 * 60_000), true],
    ['running now, 6 min ago', show(8, -H, 6 * 60_000), true],
    ['ended, no snapshot after the end: final one', show(9, -5 * H, 4 * H), true],
    ['ended, final snapshot taken', show(10, -5 * H, 2 * H), false],
  ])('%s', (_name, s, due) => {
    expect(dueShows([s], now, cadence, 100).map((x) => x.showId)).toEqual(due ? [s.showId] : []);
  });

  const deleted = (id: number, deletedAgo: number, last: number | null): ShowTimes => ({ ...show(id, -10 * 24 * H, last), deletedAtMs: now - deletedAgo });
  it.each([
    ['event deleted after sales, never snapshotted: final one', deleted(20, H, null), true],
    ['event deleted after sales, snapshotted before the deletion: final one', deleted(21, H, 3 * H), true],
    ['event deleted after sales, snapshotted since: never again', deleted(22, 3 * H, H), false],
    ['event deleted after sales long ago (the API may no longer serve it): not tried', deleted(23, FINAL_SNAPSHOT_WINDOW_MS + H, null), false],
  ])('%s', (_name, s, due) => {
    expect(dueShows([s], now, cadence, 100).map((x) => x.showId)).toEqual(due ? [s.showId] : []);
  });

  it('keeps within the budget, most overdue first (never-seen shows first)', () => {
    const shows = [show(1, 3 * 24 * H, 2 * H), show(2, 3 * 24 * H, 5 * H), show(3, 30 * 24 * H, null)];
    expect(dueShows(shows, now, cadence, 2).map((s) => s.showId)).toEqual([3, 2]);
  });
});

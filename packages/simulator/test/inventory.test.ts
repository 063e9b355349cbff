import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryTruth, Simulator } from '../src/index.ts';
import { api, simulatorPool, walk } from './http-helpers.ts';

/**
 * GET /shows/{id}/seats in its three shapes (seated hierarchical, admission hierarchical, flat with quantities), for
 * shows with and without a scheme_properties.seats block, the ignoreFlat fault, and truth().inventory per show and
 * zone = the flat list summed per zone at the same instant.
 */

type Row = Record<string, unknown>;
type Zones = Record<string, { zone_id: string; name: string; description: string | null; seats: Record<string, Row> }>;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

/** The keys a flat seat record has (contract §7.6; multiprice_* are not served, like the fixture). */
const FLAT_KEYS = [
  'id',
  'root_id',
  'name',
  'zone_id',
  'zone_root_id',
  'short_seat_id',
  'admission',
  'row',
  'place',
  'max_quantity',
  'free_quantity',
  'ordered_quantity',
  'available',
  'disabled',
  'ordered',
  'payed_quantity',
  'in_basket_quantity',
  'price',
  'currency_id',
  'related_seats',
  'spread',
  'color_theme_id',
  'coords',
];

/** Sums the flat seats of a show per zone, the way a pipeline would. */
function perZone(flat: Record<string, Row>): Map<string, Omit<InventoryTruth, 'show_id' | 'event_id' | 'zone_id' | 'zone_name'>> {
  const out = new Map<string, { capacity: number; sold: number; held: number; free: number }>();
  for (const s of Object.values(flat)) {
    const z = out.get(s.zone_root_id as string) ?? { capacity: 0, sold: 0, held: 0, free: 0 };
    z.capacity += s.max_quantity as number;
    z.sold += s.payed_quantity as number;
    z.held += (s.ordered_quantity as number) - (s.payed_quantity as number);
    z.free += s.free_quantity as number;
    out.set(s.zone_root_id as string, z);
  }
  return out;
}

async function expectInventoryMatchesSeats(sim: Simulator): Promise<InventoryTruth[]> {
  const truth = sim.truth();
  const byShow = new Map<number, InventoryTruth[]>();
  for (const r of truth.inventory) byShow.set(r.show_id, [...(byShow.get(r.show_id) ?? []), r]);
  expect([...byShow.keys()]).toEqual(truth.shows.map((s) => s.show_id));
  for (const [showId, rows] of byShow) {
    const flat = ((await api(sim, `/shows/${showId}/seats`, { body: { flat: true } })).json as { data: Record<string, Row> }).data;
    const tree = ((await api(sim, `/shows/${showId}/seats`)).json as { data: Zones }).data;
    const sums = perZone(flat);
    expect(rows.map((r) => r.zone_id)).toEqual(Object.keys(tree));
    for (const r of rows) {
      expect(r.zone_name).toBe(tree[r.zone_id]?.name);
      expect({ capacity: r.capacity, sold: r.sold, held: r.held, free: r.free }, `show ${showId} zone ${r.zone_id}`).toEqual(sums.get(r.zone_id));
      expect(r.free).toBe(r.capacity - r.sold - r.held);
    }
    // per show, the zones add up to the show figures (no malformed orders here)
    const show = truth.shows.find((s) => s.show_id === showId);
    const sum = (k: 'capacity' | 'sold' | 'held' | 'free') => rows.reduce((n, r) => n + r[k], 0);
    expect([sum('capacity'), sum('sold'), sum('held'), sum('free')]).toEqual([show?.capacity, show?.sold, show?.reserved, show?.free]);
  }
  return truth.inventory;
}

describe('seat inventory', () => {
  let sim: Simulator;
  let shows: (Row & { hasSeatsBlock: boolean })[];
  beforeAll(async () => {
    sim = await start({ seed: 24, orders: 4_000, historyDays: 20, events: 12 });
    shows = (await walk(sim, '/events')).rows.flatMap((e) => (e.shows as Row[]).map((s) => ({ ...s, hasSeatsBlock: 'seats' in (s.scheme_properties as Row) })));
  });

  it('serves the seated and admission hierarchical shapes and the flat shape, with and without a scheme seats block', async () => {
    const kinds = new Set<string>();
    for (const s of shows) {
      const tree = ((await api(sim, `/shows/${s.id}/seats`)).json as { data: Zones }).data;
      const flat = ((await api(sim, `/shows/${s.id}/seats`, { query: { flat: true } })).json as { data: Record<string, Row> }).data;
      for (const [key, zone] of Object.entries(tree)) {
        expect(Object.keys(zone)).toEqual(['zone_id', 'name', 'description', 'seats']);
        const seats = Object.entries(zone.seats);
        const admission = seats.every(([, x]) => x.admission === true);
        if (admission)
          expect(seats.map(([k]) => k)).toEqual(['1;1']); // general admission: one shared seat
        else expect(seats.every(([rp, x]) => x.admission === false && x.seat_id === `${key}-${rp}`)).toBe(true);
        kinds.add(`${admission ? 'admission' : 'seated'}/${s.hasSeatsBlock ? 'block' : 'no-block'}`);
      }
      for (const v of Object.values(flat)) {
        expect(Object.keys(v)).toEqual(FLAT_KEYS);
        expect(v.free_quantity).toBe((v.max_quantity as number) - (v.ordered_quantity as number));
        expect(v.payed_quantity as number).toBeLessThanOrEqual(v.ordered_quantity as number);
      }
      // the flat list covers exactly the seats of the tree
      const treeSeats = Object.values(tree).flatMap((z) => Object.values(z.seats).map((x) => x.seat_id));
      expect(Object.values(flat).map((v) => v.root_id)).toEqual(treeSeats);
    }
    expect([...kinds].sort()).toEqual(['admission/block', 'admission/no-block', 'seated/block', 'seated/no-block']);
  });

  it('a seat held by a personal quota is not available but still counts as free (like the flat fixture)', async () => {
    const quota: Row[] = [];
    for (const s of shows.filter((x) => x.hasSeatsBlock).slice(0, 8)) {
      const flat = ((await api(sim, `/shows/${s.id}/seats`, { body: { flat: true } })).json as { data: Record<string, Row> }).data;
      quota.push(...Object.values(flat).filter((v) => (v.spread as { users: unknown[] }).users.length > 0));
    }
    const free = quota.filter((v) => v.ordered_quantity === 0);
    expect(free.length).toBeGreaterThan(0);
    for (const v of free) expect([v.available, v.free_quantity]).toEqual([false, 1]);
  });

  it('fault ignoreFlat: flat is ignored and the hierarchical shape comes back', async () => {
    const id = shows[0]?.id;
    sim.setFaults({ ignoreFlat: true });
    const ignored = (await api(sim, `/shows/${id}/seats`, { body: { flat: true } })).text;
    sim.setFaults({ ignoreFlat: false });
    expect(ignored).toBe((await api(sim, `/shows/${id}/seats`)).text);
    expect(ignored).not.toBe((await api(sim, `/shows/${id}/seats`, { body: { flat: true } })).text);
  });

  it('truth().inventory per show and zone = the flat seats summed per zone, now and after the clock moves', async () => {
    const before = await expectInventoryMatchesSeats(sim);
    expect(before.some((r) => r.held > 0)).toBe(true);
    expect(before.some((r) => r.sold > 0 && r.zone_id.length > 0)).toBe(true);
    sim.advance(36 * 3600_000);
    const after = await expectInventoryMatchesSeats(sim);
    expect(after).not.toEqual(before);
  });
});

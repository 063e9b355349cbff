import { fixtureJson } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { api, type Paged, TS, walk } from './http-helpers.ts';

type Row = Record<string, unknown>;
/** The first record of a list fixture (`{data: [...]}`). */
const firstOf = (name: string): Row => fixtureJson<{ data: Row[] }>(name).data[0]!;

describe('events, clients, discounts, promo codes, colour themes, seats, barcodes', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 61, orders: 1_500, historyDays: 10, events: 24 });
  });
  afterAll(() => sim.close());

  it('page sizes per endpoint, totals = rows walked, ids ascending (promo codes: grouped by discount_id)', async () => {
    for (const [path, per] of [
      ['/events', 10],
      ['/clients', 100],
      ['/discounts', 100],
      ['/promo-codes', 500],
    ] as const) {
      const { rows, pages } = await walk(sim, path);
      expect(
        pages.every((p) => p.paging.perPage === per),
        path,
      ).toBe(true);
      expect(pages[0]?.paging.total).toBe(rows.length);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      const ids = rows.map((r) => r.id as number);
      if (path === '/promo-codes') {
        const groups = rows.map((r) => r.discount_id as number);
        expect(groups).toEqual([...groups].sort((a, b) => a - b));
        expect(ids).not.toEqual([...ids].sort((a, b) => a - b)); // unordered inside a group (Q23)
      } else expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect((await walk(sim, '/events')).rows.length).toBe(24);
  });

  it('record shapes follow the fixtures (keys and order)', async () => {
    const ev = ((await api(sim, '/events')).json as Paged).data;
    const fxEvent = fixtureJson<{ data: Row & { shows: Row[] } }>('events.single.json').data;
    for (const e of ev) {
      expect(Object.keys(e)).toEqual(Object.keys(fxEvent));
      for (const s of e.shows as Row[]) {
        expect(Object.keys(s)).toEqual(Object.keys(fxEvent.shows[0]!));
        for (const k of ['sale_finish_date', 'open_date', 'start_date', 'finish_date', 'created_at', 'updated_at']) expect(s[k]).toMatch(TS);
        for (const p of s.prices as Row[]) expect(typeof p.color_theme).toBe('string');
        const zones = (s.scheme_properties as { zones: Record<string, Row> }).zones;
        for (const z of Object.values(zones)) expect(typeof z.disabled).toBe('string');
      }
    }
    expect(ev.some((e) => e.deleted_at !== null)).toBe(true);
    const single = (await api(sim, `/events/${ev[0]?.id}`)).json as { data: Row };
    expect(single.data).toEqual(ev[0]);
    const cl = ((await api(sim, '/clients')).json as Paged).data;
    expect(Object.keys(cl[0] ?? {})).toEqual(Object.keys(firstOf('clients.page1.json')));
    expect(((await api(sim, `/clients/${cl[0]?.id}`)).json as { data: Row }).data).toEqual(cl[0]);
    const ds = ((await api(sim, '/discounts')).json as Paged).data;
    for (const d of ds) expect(Object.keys(d)).toEqual(Object.keys(firstOf('discounts.page1.json')));
    const pc = ((await api(sim, '/promo-codes')).json as Paged).data;
    for (const p of pc) expect(Object.keys(p)).toEqual(Object.keys(firstOf('promo-codes.page1.json')));
    const themes = (await api(sim, '/color-themes')).json as { data: Row[] };
    expect(Object.keys(themes)).toEqual(['data']);
    expect(Object.keys(themes.data[0] ?? {})).toEqual(['id', 'color']);
  });

  it('orders reference existing events, shows, discounts and promo codes', async () => {
    const events = (await walk(sim, '/events')).rows;
    const shows = new Map(events.flatMap((e) => (e.shows as Row[]).map((s) => [s.id as number, e.id as number])));
    const discounts = new Set((await walk(sim, '/discounts')).rows.map((d) => d.id));
    const promo = new Map((await walk(sim, '/promo-codes')).rows.map((p) => [p.id, p.discount_id]));
    const orders = (await walk(sim, '/orders')).rows;
    for (const o of orders) {
      for (const b of o.baskets as Row[]) expect(shows.get(b.show_id as number)).toBe(o.event_id);
      if (o.discount_id !== null) expect(discounts.has(o.discount_id)).toBe(true);
      if (o.promo_code_id !== null) expect(promo.get(o.promo_code_id)).toBe(o.discount_id);
    }
    expect(orders.some((o) => o.promo_code_id !== null)).toBe(true);
  });

  it('seats: default hierarchical shape (seat_id + admission only), flat shape with quantities', async () => {
    const events = (await walk(sim, '/events')).rows;
    const allShows = events.flatMap((e) => e.shows as Row[]);
    let seated = 0;
    let admission = 0;
    for (const s of allShows.slice(0, 12)) {
      const res = await api(sim, `/shows/${s.id}/seats`);
      const data = (res.json as { data: Record<string, Row> }).data;
      for (const [key, zone] of Object.entries(data)) {
        expect(Object.keys(zone)).toEqual(['zone_id', 'name', 'description', 'seats']);
        expect(zone.zone_id).toBe(key);
        for (const [rp, seat] of Object.entries(zone.seats as Record<string, Row>)) {
          expect(Object.keys(seat)).toEqual(['seat_id', 'admission']);
          expect(seat.seat_id).toBe(`${key}-${rp}`);
          if (seat.admission) admission++;
          else seated++;
        }
      }
      const flat = (await api(sim, `/shows/${s.id}/seats`, { query: { flat: true } })).json as { data: Record<string, Row> };
      const fx = fixtureJson<{ data: Record<string, Row> }>('shows.seats.flat.json').data['full_PARTERRE-5;11']!;
      for (const [k, v] of Object.entries(flat.data)) {
        expect(k).toBe(`full_${v.root_id}`);
        expect(Object.keys(v)).toEqual(Object.keys(fx));
        expect(v.free_quantity).toBe((v.max_quantity as number) - (v.ordered_quantity as number));
      }
    }
    expect(seated).toBeGreaterThan(0);
    expect(admission).toBeGreaterThan(0);
  });

  it('barcodes: a bare array of valid tickets; scan info as a bare object', async () => {
    const orders = (await walk(sim, '/orders')).rows;
    const live = orders.flatMap((o) => (o.payed ? (o.baskets as Row[]).filter((b) => b.refunded_at === null) : []));
    const showId = live[0]?.show_id as number;
    const res = await api(sim, `/shows/${showId}/barcodes`);
    const list = res.json as Row[];
    expect(Array.isArray(list)).toBe(true);
    const expected = live.filter((b) => b.show_id === showId).map((b) => b.barcode);
    expect(list.map((x) => x.barcode).sort()).toEqual([...expected].sort());
    expect(Object.keys(list[0] ?? {})).toEqual(Object.keys(fixtureJson<Row[]>('shows.barcodes.list.json')[0]!));
    const withNames = (await api(sim, `/shows/${showId}/barcodes`, { body: { select: ['barcode', 'client_name'] } })).json as Row[];
    expect(Object.keys(withNames[0] ?? {})).toEqual(['barcode', 'client_name']);
    const basket = live.find((b) => b.show_id === showId) as Row;
    const scan = (await api(sim, `/shows/${showId}/barcode/${basket.barcode}`)).json;
    expect(scan).toEqual({ barcode: basket.barcode, checked_at: basket.checked_at });
    expect((await api(sim, `/shows/${showId}/barcode/000000000000`)).status).toBe(404);
  });
});

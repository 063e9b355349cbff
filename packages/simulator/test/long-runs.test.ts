import { afterAll, describe, expect, it } from 'vitest';
import { api, call, moscowDay, type Paged, simulatorPool, walk } from './http-helpers.ts';

/**
 * Volume and long runs, seen through the API only: `orders: N` gives N orders, `ordersPerDay` holds on every day of
 * a long history, and a clock advanced for more than a year keeps selling at the rate on a rolling catalogue.
 */

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

/** Every Moscow date from the instant `fromMs` to the instant `toMs`, both included. */
function datesBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const last = moscowDay(new Date(toMs).toISOString());
  for (let ms = fromMs; ; ms += DAY_MS) {
    const d = moscowDay(new Date(ms).toISOString());
    out.push(d);
    if (d >= last) return out;
  }
}

const countByDay = (rows: Row[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const o of rows) m.set(moscowDay(o.created_at as string), (m.get(moscowDay(o.created_at as string)) ?? 0) + 1);
  return m;
};

/** Every date has orders; whole days (all but the first and the last) stay near the rate, and average to it. */
function expectRateOnEveryDay(counts: Map<string, number>, dates: string[], rate: number, tolerance: number): void {
  for (const d of dates) expect(counts.get(d) ?? 0, `orders on ${d}`).toBeGreaterThan(0);
  const whole = dates.slice(1, -1).map((d) => counts.get(d) ?? 0);
  for (const [i, n] of whole.entries()) {
    expect(n, `orders on ${dates[i + 1]}`).toBeGreaterThan(rate * (1 - tolerance));
    expect(n, `orders on ${dates[i + 1]}`).toBeLessThan(rate * (1 + tolerance));
  }
  const mean = whole.reduce((a, b) => a + b, 0) / whole.length;
  expect(Math.abs(mean - rate) / rate).toBeLessThan(0.04);
}

describe('history volume', () => {
  it('orders: 100 000 (default 60 days) → exactly 100 000 orders, every day near orders / days', async () => {
    const sim = await start({ orders: 100_000 });
    expect(sim.orderIds().length).toBe(100_000);
    expect(sim.truth().orders_total).toBe(100_000);
    expect(((await api(sim, '/orders')).json as Paged).paging.total).toBe(100_000);
    const nowMs = Date.parse(sim.now());
    const dates = datesBetween(nowMs - 60 * DAY_MS, nowMs);
    // per-day totals through the API's own filter (the model is not consulted)
    const counts = new Map<string, number>();
    for (const d of dates) {
      const from = Date.parse(`${d}T00:00:00+03:00`);
      const where = [
        { column: 'created_at', operator: '>=', value: `${d}T00:00:00+03:00` },
        { column: 'created_at', operator: '<', value: new Date(from + DAY_MS).toISOString() },
      ];
      counts.set(d, ((await api(sim, '/orders', { body: { where } })).json as Paged).paging.total);
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(100_000);
    expectRateOnEveryDay(counts, dates, 100_000 / 60, 0.2);
  }, 60_000);

  it('historyDays 365 at 50 a day: 18 250 orders, every Moscow day of the year has orders near the rate', async () => {
    const sim = await start({ seed: 33, historyDays: 365, ordersPerDay: 50 });
    const { rows } = await walk(sim, '/orders');
    expect(rows.length).toBe(365 * 50);
    const nowMs = Date.parse(sim.now());
    const dates = datesBetween(nowMs - 365 * DAY_MS, nowMs);
    expect(dates.length).toBe(366);
    expectRateOnEveryDay(countByDay(rows), dates, 50, 0.6);
  }, 30_000);
});

describe('endless clock: the catalogue rolls forward', () => {
  it('400 simulated days advanced in uneven steps: orders every day at the rate, on new events, ids ascending once', async () => {
    const rate = 50;
    const sim = await start({ seed: 35, historyDays: 5, ordersPerDay: rate });
    const startMs = Date.parse(sim.now());
    const eventsAtStart = (await walk(sim, '/events')).rows;
    const steps = [7 * DAY_MS + 3_600_123, 2.5 * DAY_MS, 11 * DAY_MS, 45_000_000];
    for (let left = 400 * DAY_MS, i = 0; left > 0; i++) {
      const step = Math.min(left, steps[i % steps.length] as number);
      sim.advance(step);
      left -= step;
    }
    const nowMs = Date.parse(sim.now());
    expect(nowMs - startMs).toBe(400 * DAY_MS);

    const { rows, pages } = await walk(sim, '/orders');
    const ids = rows.map((o) => o.id as number);
    expect(pages[0]?.paging.total).toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(sim.orderIds());
    const future = rows.filter((o) => Date.parse(o.created_at as string) > startMs);
    expectRateOnEveryDay(countByDay(future), datesBetween(startMs + 1000, nowMs), rate, 0.6);

    // new events were announced along the way; none is listed before its created_at
    const events = (await walk(sim, '/events')).rows;
    const added = events.filter((e) => Date.parse(e.created_at as string) > startMs);
    expect(events.length).toBeGreaterThan(eventsAtStart.length + 12 * 3);
    expect(events.slice(0, eventsAtStart.length)).toEqual(eventsAtStart);
    expect(events.every((e) => Date.parse(e.created_at as string) <= nowMs)).toBe(true);
    const upcoming = added.flatMap((e) => e.shows as Row[]).filter((s) => Date.parse(s.start_date as string) > nowMs);
    expect(upcoming.length).toBeGreaterThan(0);

    // every basket is on a listed show whose event existed when the order was placed; late sales are on new events
    const eventOfShow = new Map(events.flatMap((e) => (e.shows as Row[]).map((s) => [s.id as number, e] as const)));
    for (const o of rows) {
      for (const b of o.baskets as Row[]) {
        const e = eventOfShow.get(b.show_id as number);
        expect(e, `show ${b.show_id}`).toBeDefined();
        expect(Date.parse(o.created_at as string)).toBeGreaterThan(Date.parse(e?.created_at as string));
      }
    }
    const late = rows.filter((o) => Date.parse(o.created_at as string) > nowMs - 60 * DAY_MS);
    const onNew = late.filter((o) => added.some((e) => e.id === o.event_id));
    expect(onNew.length / late.length).toBeGreaterThan(0.9);

    // the inventory: ground truth lists every show (new ones too); no live seat is held twice; seats agree
    const truth = sim.truth();
    expect(new Set(truth.shows.map((s) => s.show_id))).toEqual(new Set(eventOfShow.keys()));
    const held = new Set<string>();
    for (const o of rows) {
      for (const b of o.baskets as Row[]) {
        if (b.deleted_at !== null || b.refunded_at !== null) continue;
        if (/-1;1$/.test(b.seat_id as string) && !(b.seat_name as string).includes(':')) continue; // admission
        const key = `${b.show_id}/${b.seat_id}`;
        expect(held.has(key), `seat ${key} held twice`).toBe(false);
        held.add(key);
      }
    }
    const addedShowIds = new Set(added.flatMap((e) => (e.shows as Row[]).map((s) => s.id as number)));
    const sold = truth.shows.filter((s) => addedShowIds.has(s.show_id) && s.sold > 0);
    expect(sold.length).toBeGreaterThan(10);
    for (const s of sold.slice(0, 6)) {
      const flat = (await api(sim, `/shows/${s.show_id}/seats`, { body: { flat: true } })).json as { data: Record<string, Row> };
      const seats = Object.values(flat.data);
      expect(seats.reduce((n, x) => n + (x.max_quantity as number), 0)).toBe(s.capacity);
      expect(seats.reduce((n, x) => n + (x.payed_quantity as number), 0)).toBe(s.sold);
      expect(seats.reduce((n, x) => n + (x.free_quantity as number), 0)).toBe(s.free);
    }
    const lists = (await call(`${sim.partnersBaseUrl}/events/lists`, { token: sim.partnersToken })).json as { result: Row[] };
    expect(lists.result.some((r) => addedShowIds.has(r.show_id as number))).toBe(true);
  }, 60_000);

  it('an event announced later does not exist before its created_at: 404s, not in the ground truth', async () => {
    const sim = await start({ seed: 36, historyDays: 3, ordersPerDay: 40 });
    const before = new Set((await walk(sim, '/events')).rows.map((e) => e.id as number));
    sim.advance(40 * DAY_MS);
    const after = (await walk(sim, '/events')).rows.filter((e) => !before.has(e.id as number));
    expect(after.length).toBeGreaterThan(0);
    const event = after[0] as Row;
    const show = (event.shows as Row[])[0] as Row;
    expect((await api(sim, `/shows/${show.id}/seats`)).status).toBe(200);
    const fresh = await start({ seed: 36, historyDays: 3, ordersPerDay: 40 });
    expect((await api(fresh, `/shows/${show.id}/seats`)).status).toBe(404);
    expect((await api(fresh, `/events/${event.id}`)).status).toBe(404);
    expect(fresh.truth().shows.some((s) => s.show_id === show.id)).toBe(false);
  });

  it('the rolling catalogue does not depend on how the clock is advanced', async () => {
    const opts = { seed: 37, historyDays: 4, ordersPerDay: 30 };
    const [a, b] = await Promise.all([start(opts), start(opts)]);
    for (let i = 0; i < 40; i++) a.advance(2.5 * DAY_MS);
    b.advance(100 * DAY_MS);
    expect(a.orderIds()).toEqual(b.orderIds());
    expect(a.truth()).toEqual(b.truth());
    for (const page of [1, 2, 3, 4]) expect((await api(a, '/events', { query: { page } })).text).toBe((await api(b, '/events', { query: { page } })).text);
    expect((await api(a, '/orders', { query: { page: 40 } })).text).toBe((await api(b, '/orders', { query: { page: 40 } })).text);
  });
});

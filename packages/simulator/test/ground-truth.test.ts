import { afterAll, describe, expect, it } from 'vitest';
import type { GroundTruth, Simulator } from '../src/index.ts';
import { api, call, kop, kopStr, moscowDay, simulatorPool, TS, walk } from './http-helpers.ts';

/**
 * The key property: sim.truth() equals an independent recomputation from what the HTTP API serves, summed per
 * Moscow day in integer kopecks. The test knows nothing of the model — only the contract's revenue rules.
 */

type Row = Record<string, unknown>;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

/** What a pipeline would quarantine: anything not shaped like an order. */
const wellFormed = (o: Row): boolean =>
  typeof o.id === 'number' &&
  (o.payed_at === null || (typeof o.payed_at === 'string' && TS.test(o.payed_at))) &&
  Array.isArray(o.baskets) &&
  (o.baskets as Row[]).every((b) => typeof b.price === 'number');

function recompute(rows: Row[]): { days: GroundTruth['days']; orders: number } {
  const days = new Map<string, { t: number; r: number; c: number; a: number }>();
  const day = (d: string) => days.get(d) ?? days.set(d, { t: 0, r: 0, c: 0, a: 0 }).get(d)!;
  let orders = 0;
  for (const o of rows.filter(wellFormed)) {
    orders++;
    for (const b of o.baskets as Row[]) {
      if (o.payed === true) {
        const d = day(moscowDay(o.payed_at as string));
        d.t += b.quantity as number;
        d.r += kop(b.price);
      }
      if (b.refunded_at !== null) {
        const d = day(moscowDay(b.refunded_at as string));
        d.c += 1;
        d.a += kop(b.refunded_amount);
      }
    }
  }
  const out = [...days.entries()]
    .filter(([, v]) => v.t > 0 || v.c > 0)
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([date, v]) => ({ date, tickets_sold: v.t, revenue: kopStr(v.r), refunds_count: v.c, refunds_amount: kopStr(v.a), net_revenue: kopStr(v.r - v.a) }));
  return { days: out, orders };
}

async function expectTruthMatches(sim: Simulator): Promise<Row[]> {
  const { rows } = await walk(sim, '/orders');
  const truth = sim.truth();
  const mine = recompute(rows);
  expect(truth.days).toEqual(mine.days);
  expect(truth.orders_total).toBe(mine.orders);
  expect(truth.now).toBe(sim.now());
  expect((await call(`${sim.url}/__sim/truth`)).json).toEqual(truth);
  return rows;
}

describe('ground truth = recomputation from the served pages', () => {
  it('at start, after advancing, and with sales and refunds on many days', async () => {
    const sim = await start({ seed: 21, orders: 4_000, historyDays: 30 });
    await expectTruthMatches(sim);
    const t = sim.truth();
    expect(t.days.length).toBeGreaterThan(25);
    expect(t.days.some((d) => d.refunds_count > 0 && d.refunds_amount !== '0.00')).toBe(true);
    expect(t.days.some((d) => !d.revenue.endsWith('.00'))).toBe(true);
    sim.advance(2.5 * 24 * 3600_000);
    await expectTruthMatches(sim);
  });

  it('with refundMarksDeleted = false (refunded baskets keep deleted_at null)', async () => {
    const sim = await start({ seed: 22, orders: 2_000, historyDays: 20, refundMarksDeleted: false });
    const rows = await expectTruthMatches(sim);
    const refunded = rows.flatMap((o) => o.baskets as Row[]).filter((b) => b.refunded_at !== null);
    expect(refunded.length).toBeGreaterThan(0);
    expect(refunded.every((b) => b.deleted_at === null)).toBe(true);
  });

  it('excludes malformed orders (they are served broken; the pipeline quarantines them)', async () => {
    const sim = await start({ seed: 23, orders: 2_000, historyDays: 20, faults: { malformedRate: 0.05 } });
    const rows = await expectTruthMatches(sim);
    const broken = rows.filter((o) => !wellFormed(o));
    expect(broken.length).toBe(sim.malformedOrderIds().length);
    expect(broken.length).toBeGreaterThan(40);
    expect(broken.length).toBeLessThan(200);
  });
});

describe('show inventory', () => {
  it('truth per show = live baskets in the order pages = flat seat counts; no seat is held twice', async () => {
    const sim = await start({ seed: 24, orders: 6_000, historyDays: 30, events: 8 });
    sim.advance(6 * 3600_000);
    const { rows } = await walk(sim, '/orders');
    const truth = sim.truth();
    const sold = new Map<number, number>();
    const reserved = new Map<number, number>();
    const held = new Set<string>();
    for (const o of rows) {
      for (const b of o.baskets as Row[]) {
        const live = b.deleted_at === null && b.refunded_at === null;
        if (!live) continue;
        const m = o.payed ? sold : reserved;
        m.set(b.show_id as number, (m.get(b.show_id as number) ?? 0) + (b.quantity as number));
        if (!/-1;1$/.test(b.seat_id as string) || (b.seat_name as string).includes(':')) {
          const key = `${b.show_id}/${b.seat_id}`;
          expect(held.has(key), `seat ${key} held twice`).toBe(false);
          held.add(key);
        }
      }
    }
    expect(held.size).toBeGreaterThan(100);
    for (const s of truth.shows) {
      expect(s.sold, `show ${s.show_id}`).toBe(sold.get(s.show_id) ?? 0);
      expect(s.reserved, `show ${s.show_id}`).toBe(reserved.get(s.show_id) ?? 0);
      expect(s.free).toBe(s.capacity - s.sold - s.reserved);
      const flat = (await api(sim, `/shows/${s.show_id}/seats`, { body: { flat: true } })).json as { data: Record<string, Row> };
      const seats = Object.values(flat.data);
      expect(seats.reduce((n, x) => n + (x.max_quantity as number), 0)).toBe(s.capacity);
      expect(seats.reduce((n, x) => n + (x.payed_quantity as number), 0)).toBe(s.sold);
      expect(seats.reduce((n, x) => n + (x.free_quantity as number), 0)).toBe(s.free);
    }
    expect(truth.shows.some((s) => s.sold > 0 && s.reserved > 0)).toBe(true);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { api, walk } from './http-helpers.ts';

const HOUR = 3600_000;
const started: Simulator[] = [];
const start = async (o: Parameters<typeof startSimulator>[0]) => {
  const s = await startSimulator(o);
  started.push(s);
  return s;
};
afterAll(() => Promise.all(started.map((s) => s.close())));

const byId = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [r.id as number, r]));

describe('the simulated clock', () => {
  it('advance: new orders with higher ids arrive, total grows, pending orders get paid or cancelled, refunds and scans appear', async () => {
    const sim = await start({ seed: 7, orders: 2_000, historyDays: 10 });
    const before = await walk(sim, '/orders');
    const t0 = sim.now();
    sim.advance(3 * 24 * HOUR);
    expect(Date.parse(sim.now()) - Date.parse(t0)).toBe(3 * 24 * HOUR);
    const after = await walk(sim, '/orders');
    const prev = byId(before.rows);
    const next = byId(after.rows);
    expect(after.pages[0]?.paging.total).toBe(after.rows.length);
    expect(after.rows.length).toBeGreaterThan(before.rows.length + 300); // 200/day × 3 days, roughly
    const maxBefore = Math.max(...prev.keys());
    expect(after.rows.slice(before.rows.length).every((o) => (o.id as number) > maxBefore)).toBe(true);
    for (const id of prev.keys()) expect(next.has(id), `order ${id} vanished`).toBe(true);

    const pendingBefore = before.rows.filter((o) => !o.payed && o.deleted_at === null);
    expect(pendingBefore.length).toBeGreaterThan(0);
    for (const o of pendingBefore) {
      const now = next.get(o.id as number) as Record<string, unknown>;
      expect(now.payed === true || now.deleted_at !== null, `order ${o.id} still pending after 3 days`).toBe(true);
      expect(Date.parse(now.updated_at as string)).toBeGreaterThan(Date.parse(o.updated_at as string));
    }
    const changed = before.rows.filter((o) => JSON.stringify(o) !== JSON.stringify(next.get(o.id as number)));
    for (const o of changed) expect(Date.parse(next.get(o.id as number)?.updated_at as string)).toBeGreaterThan(Date.parse(o.updated_at as string));
    const refundsBefore = before.rows.filter((o) => (o.refunds as unknown[]).length > 0).length;
    const refundsAfter = before.rows.filter((o) => ((next.get(o.id as number)?.refunds ?? []) as unknown[]).length > 0).length;
    expect(refundsAfter).toBeGreaterThan(refundsBefore);
    // unchanged orders are byte-identical: the state only moves through timeline events
    expect(changed.length).toBeLessThan(before.rows.length);
    // scans appear too (checked_at set on baskets that had none)
    const scanned = (rows: Record<string, unknown>[]) =>
      rows.flatMap((o) => o.baskets as Record<string, unknown>[]).filter((b) => b.checked_at !== null).length;
    expect(scanned(after.rows.slice(0, before.rows.length))).toBeGreaterThan(scanned(before.rows));
  });

  it('advance(a) then advance(b) equals advance(a + b)', async () => {
    const a = await start({ seed: 9, orders: 500, historyDays: 5 });
    const b = await start({ seed: 9, orders: 500, historyDays: 5 });
    a.advance(5 * HOUR);
    a.advance(7 * HOUR + 1234);
    b.advance(12 * HOUR + 1234);
    expect(a.orderIds()).toEqual(b.orderIds());
    expect((await walk(a, '/orders')).rows).toEqual((await walk(b, '/orders')).rows);
    expect(a.truth()).toEqual(b.truth());
  });

  it('refuses to go backwards', async () => {
    const sim = await start({ seed: 9, orders: 10, historyDays: 1 });
    expect(() => sim.advance(-1)).toThrow();
  });
});

describe('determinism', () => {
  it('same seed and same calls give identical bytes; another seed gives other data', async () => {
    const opts = { orders: 800, historyDays: 8 };
    const [a, b, c] = await Promise.all([start({ seed: 42, ...opts }), start({ seed: 42, ...opts }), start({ seed: 43, ...opts })]);
    for (const path of ['/orders?page=1', '/orders?page=9', '/events', '/clients', '/discounts', '/promo-codes']) {
      const [ra, rb, rc] = await Promise.all([api(a, path), api(b, path), api(c, path)]);
      expect(ra.text, path).toBe(rb.text);
      if (path.startsWith('/orders')) expect(ra.text).not.toBe(rc.text);
    }
    a.advance(HOUR * 30);
    b.advance(HOUR * 30);
    expect((await api(a, '/orders?page=17')).text).toBe((await api(b, '/orders?page=17')).text);
    expect(a.truth()).toEqual(b.truth());
  });

  it('fault settings never change the data', async () => {
    const opts = { seed: 5, orders: 300, historyDays: 3 };
    const [a, b] = await Promise.all([
      start(opts),
      start({ ...opts, faults: { error503Rate: 0.5, rateLimit: { every: 3, burst: 1, retryAfterSeconds: null } } }),
    ]);
    b.setFaults({ error503Rate: 0, rateLimit: null });
    expect((await walk(b, '/orders')).rows).toEqual((await walk(a, '/orders')).rows);
  });
});

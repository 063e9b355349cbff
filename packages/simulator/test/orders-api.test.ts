import { fixtureJson } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { api, kop, type Paged, TS, walk } from './http-helpers.ts';

type FixtureOrder = Record<string, unknown> & { baskets: Array<Record<string, unknown>>; client: Record<string, unknown> };

describe('GET /orders', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, orders: 3_000, historyDays: 20 });
  });
  afterAll(() => sim.close());

  it('walks every visible order exactly once, ids ascending, 50 per page, total = rows over all pages', async () => {
    const { rows, pages } = await walk(sim, '/orders');
    const ids = rows.map((r) => r.id as number);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).toEqual(sim.orderIds());
    for (const p of pages) {
      expect(Object.keys(p)).toEqual(['data', 'paging']);
      expect(p.paging.perPage).toBe(50);
      expect(p.paging.total).toBe(ids.length);
    }
    // every page but the last full one is full; the page past the end is empty with the real paging
    const last = pages[pages.length - 1] as Paged;
    expect(last.data).toEqual([]);
    expect(last.paging.currentPage).toBe(pages.length);
    expect(pages.slice(0, -2).every((p) => p.data.length === 50)).toBe(true);
  });

  it('ignores per_page and flat query parameters (Q1)', async () => {
    const plain = (await api(sim, '/orders')).text;
    const flat = await api(sim, '/orders', { query: { per_page: '200', payed: '1', since: '2026-11-01', status: 'paid' } });
    expect(flat.text).toBe(plain);
    expect((flat.json as Paged).paging.perPage).toBe(50);
  });

  it('serves records with the fixture keys in the fixture order, wire types per contract §7.1/§7.2', async () => {
    const fx = fixtureJson<{ data: FixtureOrder[] }>('orders.page1.json').data[0]!;
    const body = (await api(sim, '/orders', { query: { page: 3 } })).json as Paged;
    for (const o of body.data) {
      expect(Object.keys(o)).toEqual(Object.keys(fx));
      const baskets = o.baskets as Record<string, unknown>[];
      expect(baskets.length).toBeGreaterThan(0);
      for (const b of baskets) expect(Object.keys(b)).toEqual(Object.keys(fx.baskets[0]!));
      expect(Object.keys(o.client as object)).toEqual(Object.keys(fx.client));
      expect(o.integrations).toEqual([]);
      expect(typeof o.payed).toBe('boolean');
      expect(typeof o.payment_type_id).toBe('string');
      for (const k of ['created_at', 'updated_at', 'reserved_to']) expect(o[k]).toMatch(TS);
      for (const k of ['payed_at', 'deleted_at']) if (o[k] !== null) expect(o[k]).toMatch(TS);
      // order price = Σ basket price, original = Σ original, exact in kopecks
      expect(kop(o.price)).toBe(baskets.reduce((s, b) => s + kop(b.price), 0));
      expect(kop(o.original_price)).toBe(baskets.reduce((s, b) => s + kop(b.original_price), 0));
      for (const b of baskets) expect(kop(b.original_price)).toBe(kop(b.price) + kop(b.discount_value));
    }
  });

  it('GET /orders/{id} returns {data} without paging and integrations as an object (§5.2)', async () => {
    const id = sim.orderIds()[17] as number;
    const res = await api(sim, `/orders/${id}`);
    expect(res.status).toBe(200);
    const body = res.json as { data: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data.id).toBe(id);
    expect(body.data.integrations).toMatchObject({ roistat: {} });
    const listed = ((await api(sim, '/orders')).json as Paged).data.find((o) => o.id === id);
    expect({ ...body.data, integrations: [] }).toEqual(listed);
  });

  it('has the contract quirks somewhere in the data: cancelled, pending, refunds, fractional prices, numeric-string payment types, utm object/[]', async () => {
    const { rows } = await walk(sim, '/orders');
    const baskets = rows.flatMap((o) => o.baskets as Record<string, unknown>[]);
    const now = Date.parse(sim.now());
    const cancelled = rows.filter((o) => o.deleted_at !== null);
    const pending = rows.filter((o) => !o.payed && o.deleted_at === null);
    const paid = rows.filter((o) => o.payed);
    expect(paid.length / rows.length).toBeGreaterThan(0.7);
    expect(cancelled.length / rows.length).toBeGreaterThan(0.08);
    expect(pending.length).toBeGreaterThan(0);
    for (const o of pending) expect(Date.parse(o.created_at as string)).toBeGreaterThan(now - 25 * 3600_000);
    // Q13: cancelled tickets 0/0 with null barcode and ticket_amount 0; live tickets null refund fields
    for (const o of cancelled) {
      expect(o.payed).toBe(false);
      for (const b of o.baskets as Record<string, unknown>[]) {
        expect([b.refunded_amount, b.refunded_deduction_amount, b.barcode, b.pdf_url, b.ticket_amount]).toEqual([0, 0, null, null, 0]);
        expect(b.deleted_at).toBe(o.deleted_at);
      }
    }
    for (const o of paid) {
      for (const b of o.baskets as Record<string, unknown>[]) {
        if (b.refunded_at === null) expect([b.refunded_amount, b.refunded_deduction_amount]).toEqual([null, null]);
        expect(b.barcode).toMatch(/^\d{12}$/);
        expect(b.ticket_amount).toBe(b.price);
      }
    }
    const refunded = baskets.filter((b) => b.refunded_at !== null);
    expect(refunded.length).toBeGreaterThan(0);
    for (const b of refunded) {
      expect(kop(b.refunded_amount) + kop(b.refunded_deduction_amount)).toBe(kop(b.price));
      expect(b.deleted_at).toBe(b.refunded_at); // refundMarksDeleted default true
      expect((b.refunds as unknown[]).length).toBe(1);
    }
    expect(baskets.some((b) => !Number.isInteger(b.price))).toBe(true);
    expect(baskets.some((b) => (b.discount_value as number) > 0)).toBe(true);
    expect(rows.some((o) => /^\d+$/.test(o.payment_type_id as string))).toBe(true);
    expect(rows.some((o) => Array.isArray(o.utm)) && rows.some((o) => !Array.isArray(o.utm))).toBe(true);
    expect(rows.some((o) => o.custom === '')).toBe(true);
    expect(baskets.some((b) => b.checked_at !== null)).toBe(true);
    // Q16: admission tickets share <zone>-1;1; Q22 holders sometimes differ from buyers
    expect(baskets.some((b) => /-1;1$/.test(b.seat_id as string))).toBe(true);
    expect(rows.some((o) => (o.baskets as Record<string, unknown>[]).some((b) => b.client_email !== (o.client as { email: string }).email))).toBe(true);
    expect(rows.every((o) => (o.client as { id: number; details: { id: number } }).details.id !== (o.client as { id: number }).id)).toBe(true);
  });

  it('keeps basket ids and created_at increasing with order ids; baskets are created before their order', async () => {
    const { rows } = await walk(sim, '/orders');
    let lastBasket = 0;
    let lastCreated = '';
    for (const o of rows) {
      expect((o.created_at as string) >= lastCreated).toBe(true);
      lastCreated = o.created_at as string;
      for (const b of o.baskets as Record<string, unknown>[]) {
        expect(b.id as number).toBeGreaterThan(lastBasket);
        lastBasket = b.id as number;
        expect(Date.parse(b.created_at as string)).toBeLessThanOrEqual(Date.parse(o.created_at as string));
        expect(Date.parse(b.updated_at as string)).toBeLessThanOrEqual(Date.parse(sim.now()));
      }
      expect(Date.parse(o.reserved_to as string) - Date.parse(o.created_at as string)).toBe(24 * 3600_000);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { call, walk } from './http-helpers.ts';

type Row = Record<string, unknown>;

describe('partners API (contract §6)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 71, orders: 2_000, historyDays: 10 });
  });
  afterAll(() => sim.close());
  const partners = (path: string, o: Parameters<typeof call>[1] = {}) => call(`${sim.partnersBaseUrl}${path}`, { token: sim.partnersToken, ...o });

  it('wrong key or the REST token → HTTP 200 with status error WRONG_AUTHORIZATION', async () => {
    for (const token of [sim.token, 'nope', null]) {
      const res = await partners('/tickets/find', { token, body: { filter: { id: 1 } } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'error', code: 'WRONG_AUTHORIZATION', message: 'Wrong authorization' });
    }
  });

  it('tickets/find by external_order_id (GET query or POST body), local-offset timestamps', async () => {
    const orders = (await walk(sim, '/orders')).rows;
    let found: Row[] = [];
    let order: Row | undefined;
    for (const o of orders) {
      const res = await partners(`/tickets/find?filter[external_order_id]=ext-o-${o.id}`);
      found = (res.json as { result: Row[] }).result;
      if (found.length > 0) {
        order = o;
        break;
      }
    }
    expect(order).toBeDefined();
    const o = order as Row;
    expect(found.map((t) => t.id)).toEqual((o.baskets as Row[]).map((b) => b.id));
    const post = await partners('/tickets/find', { method: 'POST', body: { filter: { external_order_id: [`ext-o-${o.id}`] } } });
    expect(post.json).toEqual({ status: 'success', result: found });
    for (const t of found) {
      expect(t.paid).toBe(o.payed ? 1 : 0);
      expect(t.reserved_to).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      expect(Date.parse(t.reserved_to as string)).toBe(Date.parse(o.reserved_to as string));
    }
    expect((await partners('/tickets/find', { body: {} })).json).toMatchObject({ status: 'error', code: 'VALIDATION_ERROR' });
  });

  it('tickets/check: seat availability agrees with the orders; errors come with HTTP 200', async () => {
    const events = (await walk(sim, '/events')).rows;
    const orders = (await walk(sim, '/orders')).rows;
    const sold = orders.flatMap((o) =>
      o.payed ? (o.baskets as Row[]).filter((b) => b.deleted_at === null && b.refunded_at === null && (b.seat_name as string).includes(':')) : [],
    );
    const b = sold[0] as Row;
    const event = events.find((e) => (e.shows as Row[]).some((s) => s.id === b.show_id)) as Row;
    const res = await partners(`/tickets/check/${event.id}/${b.show_id}`, { body: { seat_id: b.seat_id } });
    expect(res.status).toBe(200);
    const body = res.json as Row;
    expect(body.status).toBe('success');
    expect(body.result).toMatchObject({ seat_id: b.seat_id, available: false, price: expect.any(Number) });
    expect(typeof (body.result as Row).row).toBe('number');
    expect(body.last_update_hash).toMatch(/^[0-9a-f]{40}$/);
    expect((await partners(`/tickets/check/${event.id}/${b.show_id}`, { body: { seat_id: 'NOPE-1;1' } })).json).toMatchObject({
      status: 'error',
      code: 'SEAT_NOT_FOUND',
    });
    expect((await partners('/tickets/check/1/2', { body: { seat_id: b.seat_id } })).json).toMatchObject({ status: 'error', code: 'EVENT_NOT_FOUND' });
    const lists = (await partners('/events/lists')).json as { status: string; result: Row[] };
    expect(lists.status).toBe('success');
    expect(lists.result.length).toBeGreaterThan(0);
    expect((await partners('/nothing/here')).status).toBe(404);
  });
});

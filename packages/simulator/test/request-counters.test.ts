import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.ts';
import { api, call, simulatorPool } from './http-helpers.ts';

/** sim.requests() / GET /__sim/requests: API requests by endpoint template and outcome, resettable. */

const { start, closeAll } = simulatorPool();
afterAll(closeAll);

describe('request counters', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start({ seed: 41, orders: 300, historyDays: 3 });
  });

  it('counts by endpoint template and HTTP status (or reset); control endpoints are not counted', async () => {
    sim.resetRequests();
    const showId = sim.truth().shows[0]?.show_id;
    const eventId = sim.truth().shows[0]?.event_id;
    const orderId = sim.orderIds()[0];
    for (let i = 0; i < 3; i++) await api(sim, '/orders', { query: { page: i + 1 } });
    await api(sim, `/orders/${orderId}`);
    await api(sim, '/orders/1');
    await api(sim, '/orders', { method: 'POST', body: {} });
    await api(sim, `/shows/${showId}/seats`, { body: { flat: true } });
    await api(sim, `/shows/${showId}/barcodes`);
    await api(sim, `/shows/${showId}/barcode/870000000000`);
    await api(sim, '/discounts', { token: 'wrong' });
    await api(sim, '/price-shades');
    await call(`${sim.partnersBaseUrl}/tickets/find/${eventId}`, { method: 'POST', token: sim.partnersToken });
    await call(`${sim.partnersBaseUrl}/tickets/check/${eventId}/${showId}`, { token: sim.partnersToken, body: { seat_id: 'X-1;1' } });
    await call(`${sim.partnersBaseUrl}/events/lists`, { token: sim.partnersToken });
    sim.setFaults({ error503Rate: 1 });
    await api(sim, '/events');
    sim.setFaults({ error503Rate: 0, resetRate: 1 });
    await api(sim, '/events').catch(() => undefined);
    sim.setFaults({ resetRate: 0 });
    await call(`${sim.url}/__sim/truth`);
    await call(`${sim.url}/__sim/now`);

    const expected = {
      total: 16,
      byStatus: { '200': 9, '404': 3, '403': 1, '503': 2, reset: 1 },
      byEndpoint: {
        'GET /orders': { '200': 3 },
        'GET /orders/:id': { '200': 1, '404': 1 },
        'POST /orders': { '503': 1 },
        'GET /shows/:id/seats': { '200': 1 },
        'GET /shows/:id/barcodes': { '200': 1 },
        'GET /shows/:id/barcode/:barcode': { '404': 1 },
        'GET /discounts': { '403': 1 },
        'GET <unknown>': { '404': 1 },
        'POST /partners/tickets/find/:event_id': { '200': 1 },
        'GET /partners/tickets/check/:event_id/:show_id': { '200': 1 },
        'GET /partners/events/lists': { '200': 1 },
        'GET /events': { '503': 1, reset: 1 },
      },
    };
    expect(sim.requests()).toEqual(expected);
    expect((await call(`${sim.url}/__sim/requests`)).json).toEqual(expected);
    expect((await call(`${sim.url}/__sim/requests/reset`, { method: 'POST' })).json).toEqual({ total: 0, byStatus: {}, byEndpoint: {} });
    expect(sim.requests().total).toBe(0);
    await api(sim, '/color-themes');
    expect(sim.requests()).toEqual({ total: 1, byStatus: { '200': 1 }, byEndpoint: { 'GET /color-themes': { '200': 1 } } });
  });
});

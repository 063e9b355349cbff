import { freePort } from '@qtp/embedded';
import { startSimulator } from '@qtp/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQTicketsClient, endpointOf, type RequestEvent } from '../src/index.ts';

const TOKEN = 'sim-token-OBSERVER-0123456789abcdef';
const tinyRetry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxTotalMs: 5_000 };

describe('endpointOf', () => {
  it.each([
    ['/orders', '/orders'],
    ['/orders/123', '/orders/{id}'],
    ['/shows/7/seats', '/shows/{id}/seats'],
    ['/shows/7/barcode/AB12-34', '/shows/{id}/barcode/{barcode}'],
    ['/promo-codes', '/promo-codes'],
  ])('%s → %s', (path, endpoint) => expect(endpointOf(path)).toBe(endpoint));
});

describe('onRequest observer', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, orders: 300, historyDays: 5, token: TOKEN });
  });
  afterAll(() => sim?.close());

  it('sees every attempt with its endpoint template, status and latency, retries and failures included', async () => {
    const events: RequestEvent[] = [];
    const client = createQTicketsClient({ baseUrl: sim.apiBaseUrl, token: TOKEN, retry: tinyRetry, onRequest: (e) => events.push(e) });
    await client.listPage('orders', { page: 1 });
    await client.getOrder(sim.orderIds()[0] as number);
    sim.setFaults({ error503Rate: 1 });
    await expect(client.listPage('orders', { page: 2 })).rejects.toThrow();
    sim.setFaults({ error503Rate: 0 });
    expect(events.map((e) => [e.endpoint, e.status, e.attempt])).toEqual([
      ['/orders', 200, 1],
      ['/orders/{id}', 200, 1],
      ['/orders', 503, 1],
      ['/orders', 503, 2],
      ['/orders', 503, 3],
    ]);
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports the error kind when no response came, and a throwing observer never breaks a request', async () => {
    const events: RequestEvent[] = [];
    const dead = createQTicketsClient({
      baseUrl: `http://127.0.0.1:${await freePort()}/api`,
      token: TOKEN,
      retry: { ...tinyRetry, maxAttempts: 1 },
      onRequest: (e) => events.push(e),
    });
    await expect(dead.listPage('orders', { page: 1 })).rejects.toThrow();
    expect(events.map((e) => [e.endpoint, e.status])).toEqual([['/orders', 'network']]);
    const throwing = createQTicketsClient({
      baseUrl: sim.apiBaseUrl,
      token: TOKEN,
      retry: tinyRetry,
      onRequest: () => {
        throw new Error('observer bug');
      },
    });
    expect((await throwing.listPage('orders', { page: 1 })).data.length).toBeGreaterThan(0);
  });
});

import { fixtureJson, fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { phpJson } from '../src/php-json.ts';
import { api, call } from './http-helpers.ts';

const fixture = (name: string) => fixtureJson<Record<string, unknown>>(name);

describe('errors, headers and wire format (contract §8, Q18–Q21)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, orders: 400, historyDays: 4 });
  });
  afterAll(() => sim.close());

  it('bad or missing token → 403 WRONG_AUTHORIZATION (never 401)', async () => {
    for (const token of [null, 'wrong', sim.partnersToken]) {
      const res = await api(sim, '/orders', { token });
      expect(res.status).toBe(403);
      expect(res.json).toEqual(fixture('errors.403.wrong-authorization.json'));
    }
  });

  it('unknown id → JSON 404 RESOURCE_NOT_FOUND with info {id, resource}; a non-numeric id on /discounts reads as 0', async () => {
    const res = await api(sim, '/orders/1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toEqual({ ...fixture('errors.404.resource-not-found.json'), info: { id: 1, resource: 'Order' } });
    const colors = await api(sim, '/discounts/colors');
    expect(colors.status).toBe(404);
    expect(colors.json).toMatchObject({ code: 'RESOURCE_NOT_FOUND', info: { id: 0, resource: 'Discount' } });
    for (const path of ['/events/1', '/clients/1', '/shows/1/seats'])
      expect((await api(sim, path)).json).toMatchObject({ status: 404, code: 'RESOURCE_NOT_FOUND' });
  });

  it('unknown routes → the HTML 404 page (text/html), with or without a token', async () => {
    for (const path of [
      '/api/rest/v1/orders/filter',
      '/api/rest/v1/barcodes',
      '/api/rest/v1/events/1/seats',
      '/api/rest/v1/price-shades',
      '/api/v1/orders',
      '/',
    ]) {
      const res = await call(`${sim.url}${path}`, { token: sim.token });
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=UTF-8');
      expect(res.text).toContain('<html');
    }
  });

  it('POST /orders → 503 UNKNOWN_ERROR whatever the body; other writes are refused and never mutate', async () => {
    const before = (await api(sim, '/orders')).text;
    for (const body of [undefined, { where: [{ column: 'payed', value: 1 }] }, { payed: 1 }]) {
      const res = await api(sim, '/orders', { method: 'POST', body });
      expect(res.status).toBe(503);
      expect(res.json).toEqual(fixture('errors.503.unknown-error.json'));
    }
    const id = sim.orderIds()[0];
    for (const [method, path] of [
      ['DELETE', `/orders/${id}/baskets`],
      ['PUT', '/baskets/1'],
      ['POST', '/clients'],
      ['PUT', '/events/1'],
    ] as const) {
      expect((await api(sim, path, { method, body: {} })).status, `${method} ${path}`).toBe(503);
    }
    expect((await api(sim, '/orders')).text).toBe(before);
  });

  it('response headers as observed: application/json without charset, no-cache private, no Retry-After, chunked', async () => {
    const res = await api(sim, '/orders');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-cache, private');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(Object.keys(res.headers).some((h) => h.startsWith('x-ratelimit'))).toBe(false);
  });

  it('escapes like PHP: \\uXXXX for non-ASCII and \\/ for slashes, byte-identical to the raw fixture', async () => {
    const raw = fixtureText('orders.single.raw-escaped.json').trim();
    expect(phpJson(JSON.parse(raw))).toBe(raw);
    const res = await api(sim, '/orders');
    expect(/[^\x20-\x7e]/.test(res.text)).toBe(false);
    expect(res.text).toContain('https:\\/\\/qtickets.ru\\/pay\\/');
    expect(res.text).toMatch(/\\u04[0-9a-f]{2}/);
    expect(res.text).not.toContain('https://');
  });

  it('serves the orders list gzipped when asked, plain otherwise', async () => {
    const zipped = await call(`${sim.apiBaseUrl}/orders`, { token: sim.token, headers: { 'Accept-Encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect((await api(sim, '/orders')).headers['content-encoding']).toBeUndefined();
  });
});

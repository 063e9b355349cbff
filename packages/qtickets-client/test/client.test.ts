import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_VERSION, createQTicketsClient, DEFAULT_USER_AGENT, InvalidResponseError, UnknownRouteError } from '../src/index.ts';
import { TEST_TOKEN, testClient } from './support/client.ts';
import { type Reply, route, startTestServer, type TestServer } from './support/http-server.ts';
import { captureLogger } from './support/log-capture.ts';

const file = (name: string, headers: Record<string, string> = {}): Reply => ({ body: fixtureText(name), headers });

describe('QTickets client against a local server serving the fixtures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((req) => {
      const path = route(req);
      if (path === '/orders/7310590') return file('orders.single.json');
      if (path === '/events/90412') return file('events.single.json');
      if (path === '/shows/610021/seats') return file(req.body.includes('"flat":true') ? 'shows.seats.flat.json' : 'shows.seats.admission.json');
      if (path === '/shows/611301/seats') return file('shows.seats.seated.json');
      if (path === '/shows/1/seats') return { json: { data: [] } };
      if (path === '/color-themes') return file('color-themes.list.json');
      if (path === '/shows/611301/barcodes') return file('shows.barcodes.list.json');
      if (path === '/shows/2/barcodes') return { json: { data: [] } };
      if (path === '/shows/610021/barcode/879058145163') return file('shows.barcode.scan-info.json');
      if (path === '/shows/610021/barcode/879000000001')
        return {
          status: 404,
          json: {
            error: 'Resource "Barcode" 879000000001 not found',
            status: 404,
            code: 'RESOURCE_NOT_FOUND',
            info: { id: '879000000001', resource: 'Barcode' },
          },
        };
      if (path === '/shows/610021/barcode/879000000002') return { json: { checked_at: null } };
      if (path === '/events') return file('events.page1.json');
      return { status: 404, body: fixtureText('errors.404.route-not-found.html'), headers: { 'content-type': 'text/html; charset=UTF-8' } };
    });
  });
  afterAll(() => {
    // Read-only client: nothing but GET ever reached the server.
    expect(new Set(server.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    return server.close();
  });

  it('sends the §3.1 headers, the bearer token and a project user agent', async () => {
    server.requests.length = 0;
    await testClient(server).getOrder(7310590);
    const headers = server.requests[0]?.headers ?? {};
    expect(headers['accept']).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['cache-control']).toBe('no-cache');
    expect(headers['authorization']).toBe(`Bearer ${TEST_TOKEN}`);
    expect(headers['user-agent']).toBe(`qtickets-pipeline/${CLIENT_VERSION}`);
    expect(DEFAULT_USER_AGENT).toMatch(/^qtickets-pipeline\/\d+\.\d+\.\d+/);
    expect(server.requests[0]?.path).toBe('/api/rest/v1/orders/7310590');
  });

  it('accepts a custom user agent and a base URL with a trailing slash', async () => {
    server.requests.length = 0;
    await createQTicketsClient({ baseUrl: `${server.url}/`, token: TEST_TOKEN, userAgent: 'qtickets-pipeline/test (ci)' }).getEvent(90412);
    expect(server.requests[0]?.headers['user-agent']).toBe('qtickets-pipeline/test (ci)');
    expect(server.requests[0]?.path).toBe('/api/rest/v1/events/90412');
  });

  it('getOrder / getEvent unwrap the {data} envelope with exact money', async () => {
    const order = await testClient(server).getOrder(7310590);
    expect(order['id']).toBe(7310590);
    expect(order['integrations']).toEqual({ roistat: { roistat_visit: null } });
    const event = await testClient(server).getEvent(90412);
    expect(event['id']).toBe(90412);
    expect(event['place_coordinates']).toEqual(['55.0301', '82.9204']);
  });

  it('showSeats: default hierarchical shape without parameters, flat shape with flat+select in the GET body', async () => {
    server.requests.length = 0;
    const client = testClient(server);
    const seated = await client.showSeats(611301);
    expect(seated.shape).toBe('zones');
    expect(server.requests[0]?.body).toBe('');
    const flat = await client.showSeats(610021, { flat: true, select: ['id', 'root_id', 'max_quantity', 'free_quantity'] });
    expect(flat.shape).toBe('flat');
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({ flat: true, select: ['id', 'root_id', 'max_quantity', 'free_quantity'] });
    if (flat.shape === 'flat') expect(flat.seats['full_VHODNOJ-1;1']?.free_quantity).toBe(12);
    const admission = await client.showSeats(610021);
    expect(admission.shape === 'zones' && admission.zones['detskij-bilet']?.seats['1;1']?.admission).toBe(true);
    expect(await client.showSeats(1)).toEqual({ shape: 'zones', zones: {} });
  });

  it('colorThemes, showBarcodes (bare array, select in the body) and barcodeScan (bare object)', async () => {
    server.requests.length = 0;
    const client = testClient(server);
    expect((await client.colorThemes()).map((t) => t.color)).toContain('#2e8b57');
    const barcodes = await client.showBarcodes(611301, ['barcode', 'price', 'seat_name']);
    expect(barcodes.map((b) => b.barcode)).toEqual(['879235697721', '879775985030', '879578177038']);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({ select: ['barcode', 'price', 'seat_name'] });
    const scan = await client.barcodeScan(610021, '879058145163');
    expect(scan).toEqual({ barcode: '879058145163', checked_at: '2025-11-20T11:15:41+03:00' });
  });

  it('barcodeScan never shows the barcode (an entry credential) in log lines or errors', async () => {
    const capture = captureLogger();
    const client = testClient(server, { logger: capture.logger });
    await client.barcodeScan(610021, '879058145163');
    const missing = await client.barcodeScan(610021, '879000000001').catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not_found', path: '/shows/610021/barcode/***' });
    const invalid = await client.barcodeScan(610021, '879000000002').catch((e: unknown) => e);
    expect(invalid).toMatchObject({ kind: 'invalid_response', path: '/shows/610021/barcode/***' });
    const unknown = await client.barcodeScan(3, '879000000003').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ kind: 'unknown_route', path: '/shows/3/barcode/***' });
    const shown = `${capture.text()} ${JSON.stringify([missing, invalid, unknown])} ${[missing, invalid, unknown].map(String).join(' ')}`;
    expect(shown).toContain('barcode/***');
    for (const code of ['879058145163', '879000000001', '879000000002', '879000000003']) expect(shown).not.toContain(code);
  });

  it('wrong envelopes are invalid responses; unknown routes are UnknownRouteError', async () => {
    const client = testClient(server);
    await expect(client.showBarcodes(2)).rejects.toBeInstanceOf(InvalidResponseError);
    await expect(client.barcodeScan(3, '1')).rejects.toBeInstanceOf(UnknownRouteError);
    await expect(client.getOrder(-1)).rejects.toThrow(RangeError);
  });

  it('lists events (10 per page on the real API; any server-chosen size here)', async () => {
    const page = await testClient(server).listPage('events', { page: 1 });
    expect(page.data.map((e) => e['id'])).toEqual([90377, 90412, 90455]);
  });
});

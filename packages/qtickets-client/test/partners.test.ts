import { inspect } from 'node:util';
import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createPartnersClient, NotFoundError, PartnerError, ServerError } from '../src/index.ts';
import { TEST_TOKEN } from './support/client.ts';
import { type Reply, route, startTestServer, type TestServer } from './support/http-server.ts';

describe('partners client (errors arrive with HTTP 200, branch on status)', () => {
  let server: TestServer;
  let next: Reply | undefined;
  beforeAll(async () => {
    server = await startTestServer((req) => {
      if (next) {
        const reply = next;
        next = undefined;
        return reply;
      }
      const path = route(req);
      if (path.startsWith('/tickets/find')) return { body: fixtureText('partners.tickets-find.json') };
      if (path.startsWith('/tickets/check')) return { body: fixtureText('partners.tickets-check.json') };
      return { status: 404, body: '<html></html>', headers: { 'content-type': 'text/html' } };
    });
  });
  afterAll(() => server.close());

  const client = () =>
    createPartnersClient({
      baseUrl: server.url.replace('/api/rest/v1', '/api/partners/v1'),
      partnerKey: TEST_TOKEN,
      sleep: async () => {},
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });

  it('ticketsFind sends the filter, normalises ids to strings and keeps money exact', async () => {
    server.requests.length = 0;
    const found = await client().ticketsFind(90455, 611301, { external_order_id: 'ext-o-5521' });
    expect(server.requests[0]?.path).toBe('/api/partners/v1/tickets/find/90455/611301');
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.headers['authorization']).toBe(`Bearer ${TEST_TOKEN}`);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ filter: { external_order_id: 'ext-o-5521' } });
    expect(found.result.map((t) => [t.id, t.price, t.paid])).toEqual([
      ['3310051', '1199.50', true],
      ['3310052', '500.00', false],
    ]);
  });

  it('showTickets lists a show without a filter and returns the raw records (exact money text, holder fields untouched)', async () => {
    server.requests.length = 0;
    const tickets = await client().showTickets(90455, 611301);
    expect(server.requests[0]?.path).toBe('/api/partners/v1/tickets/find/90455/611301');
    expect(JSON.parse(server.requests[0]?.body || '{}')).toEqual({});
    expect(tickets).toHaveLength(2);
    expect(tickets[0]).toMatchObject({ id: 3310051, price: '1199.5', paid_at: '2025-11-21T15:02:00+03:00' });
    next = { status: 200, json: { status: 'success', result: null } };
    expect(await client().showTickets(1, 2)).toEqual([]);
    next = { status: 200, json: { status: 'success', result: { id: 1 } } };
    await expect(client().showTickets(1, 2)).rejects.toMatchObject({ kind: 'invalid_response' });
    next = { status: 200, body: fixtureText('partners.error.wrong-authorization.json') };
    await expect(client().showTickets(1, 2)).rejects.toBeInstanceOf(AuthError);
  });

  it('ticketsFind without event/show ids uses the bare method path', async () => {
    server.requests.length = 0;
    await client().ticketsFind(undefined, undefined, { barcode: ['879672189680'] });
    expect(server.requests[0]?.path).toBe('/api/partners/v1/tickets/find');
    await expect(client().ticketsFind(undefined, 1, {})).rejects.toThrow(TypeError);
  });

  it('ticketsCheck returns the seat with integer row/place normalised to strings', async () => {
    const checked = await client().ticketsCheck(90455, 611301, { seat_id: 'PARTERRE-5;12', offer_id: 'full' });
    expect(checked.result).toMatchObject({ row: '5', place: '12', available: true, price: '1500.00' });
    expect(checked.last_update_hash).toBe('edc036c8cbcf7b1eed391cd998170f74a935438d');
  });

  it.each([
    ['partners.error.wrong-authorization.json', AuthError, 'WRONG_AUTHORIZATION'],
    ['partners.error.seat-not-available.json', PartnerError, 'SEAT_NOT_AVAILABLE'],
  ] as const)('HTTP 200 + %s → typed error', async (fixture, type, code) => {
    next = { status: 200, body: fixtureText(fixture) };
    server.requests.length = 0;
    const error = await client()
      .ticketsCheck(90455, 611301, { seat_id: 'PARTERRE-5;11' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as PartnerError).code).toBe(code);
    expect((error as PartnerError).status).toBe(200);
    expect((error as PartnerError).retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain(TEST_TOKEN);
    expect(inspect(error, { depth: 10 })).not.toContain(TEST_TOKEN);
  });

  it('maps *_NOT_FOUND codes to NotFoundError and still retries a 503', async () => {
    next = { status: 200, json: { status: 'error', code: 'EVENT_NOT_FOUND', message: 'Event not found' } };
    await expect(client().ticketsFind(1, undefined, {})).rejects.toBeInstanceOf(NotFoundError);
    next = { status: 503, body: fixtureText('errors.503.unknown-error.json') };
    server.requests.length = 0;
    const found = await client().ticketsFind(90455, undefined, {});
    expect(found.result).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    next = { status: 503, body: '' };
    const c = createPartnersClient({ baseUrl: server.url, partnerKey: TEST_TOKEN, retry: { maxAttempts: 1 } });
    await expect(c.ticketsFind(1, undefined, {})).rejects.toBeInstanceOf(ServerError);
  });

  it('the client serialises with a fingerprint only', () => {
    const c = client();
    expect(JSON.stringify(c)).not.toContain(TEST_TOKEN);
    expect(inspect(c, { depth: 10, showHidden: true })).not.toContain(TEST_TOKEN);
  });
});

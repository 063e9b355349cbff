import { inspect } from 'node:util';
import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  BadRequestError,
  createQTicketsClient,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  QTicketsError,
  RateLimitedError,
  ServerError,
  tokenFingerprint,
  UnknownRouteError,
} from '../src/index.ts';
import { TEST_TOKEN, testClient } from './support/client.ts';
import { type Reply, route, startTestServer, type TestServer } from './support/http-server.ts';
import { captureLogger } from './support/log-capture.ts';

const json = (status: number, fixture: string, headers: Record<string, string> = {}): Reply => ({ status, body: fixtureText(fixture), headers });

/** Every serialisable view of a value must be free of the token (and of its middle part). */
export function expectNoToken(value: unknown): void {
  const views = [JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true }), String(value)];
  if (value instanceof Error) {
    views.push(value.stack ?? '', value.message, JSON.stringify(value.cause ?? null), inspect(value.cause, { depth: 10, showHidden: true }));
    const own = Object.getOwnPropertyNames(value).map((k) => [k, (value as unknown as Record<string, unknown>)[k]]);
    views.push(inspect(own, { depth: 10 }));
  }
  for (const view of views) {
    expect(view).not.toContain(TEST_TOKEN);
    expect(view).not.toContain(TEST_TOKEN.slice(4, -4));
  }
}

async function failure(promise: Promise<unknown>): Promise<QTicketsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QTicketsError);
    return error as QTicketsError;
  }
  throw new Error('expected the call to fail');
}

describe('REST error mapping (fixtures served with the observed status codes)', () => {
  let server: TestServer;
  const log = captureLogger();
  const routes: Record<string, () => Reply> = {
    '/orders/403': () => json(403, 'errors.403.wrong-authorization.json'),
    '/orders/401': () => json(401, 'errors.401.synthetic.json'),
    '/orders/7399999': () => json(404, 'errors.404.resource-not-found.json'),
    '/orders/404': () => ({ status: 404, body: fixtureText('errors.404.route-not-found.html'), headers: { 'content-type': 'text/html; charset=UTF-8' } }),
    '/orders/503': () => json(503, 'errors.503.unknown-error.json'),
    '/orders/5031': () => json(503, 'errors.503.unknown-error.variant.json'),
    '/orders/500': () => json(500, 'errors.500.synthetic.json'),
    '/orders/429': () => json(429, 'errors.429.synthetic.json'),
    '/orders/400': () => ({ status: 400, json: { error: 'Bad request', status: 400, code: 'VALIDATION_ERROR', info: [] } }),
    '/orders/2001': () => ({ status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } }),
    '/orders/2002': () => ({ status: 200, body: '{"data": {"id": 1' }),
    '/orders/2003': () => ({ status: 200, json: { result: { id: 1 } } }),
    '/orders/9999': () => ({
      status: 503,
      json: { error: `token ${TEST_TOKEN} rejected; Authorization: Bearer ${TEST_TOKEN}`, status: 503, code: 'UNKNOWN_ERROR' },
    }),
    '/orders/1000': () => ({ destroy: true }),
    '/orders/1001': () => ({ delayMs: 1500, status: 200, body: fixtureText('orders.single.json') }),
    '/orders': () => ({ status: 200, json: { data: [], meta: { has_next: false } } }),
  };

  beforeAll(async () => {
    server = await startTestServer((req) => routes[route(req)]?.() ?? { status: 599, body: 'unrouted' });
  });
  afterAll(() => server.close());

  const client = (maxAttempts = 3) => testClient(server, { logger: log.logger, retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2 } });

  it.each([
    [403, AuthError, 'auth', 403, 'WRONG_AUTHORIZATION', 1],
    [401, AuthError, 'auth', 401, 'WRONG_AUTHORIZATION', 1],
    [7399999, NotFoundError, 'not_found', 404, 'RESOURCE_NOT_FOUND', 1],
    [404, UnknownRouteError, 'unknown_route', 404, undefined, 1],
    [503, ServerError, 'server', 503, 'UNKNOWN_ERROR', 3],
    [5031, ServerError, 'server', 503, 'UNKNOWN_ERROR', 3],
    [500, ServerError, 'server', 500, 'UNKNOWN_ERROR', 3],
    [429, RateLimitedError, 'rate_limited', 429, 'UNKNOWN_ERROR', 3],
    [400, BadRequestError, 'bad_request', 400, 'VALIDATION_ERROR', 1],
    [2001, InvalidResponseError, 'invalid_response', 200, undefined, 3],
    [2002, InvalidResponseError, 'invalid_response', 200, undefined, 3],
    [2003, InvalidResponseError, 'invalid_response', undefined, undefined, 1],
  ] as const)('GET /orders/%s → %o', async (id, type, kind, status, code, attempts) => {
    const before = server.requests.length;
    const error = await failure(client().getOrder(id));
    expect(error).toBeInstanceOf(type);
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.attempts).toBe(attempts);
    expect(error.retryable).toBe(attempts > 1);
    expect(error.method).toBe('GET');
    expect(error.path).toBe(`/orders/${id}`);
    expect(error.message).not.toContain('127.0.0.1');
    expect(server.requests.length - before).toBe(attempts);
    expectNoToken(error);
  });

  it('503 variants map the same way regardless of message text (Q20)', async () => {
    const [a, b] = await Promise.all([failure(client(1).getOrder(503)), failure(client(1).getOrder(5031))]);
    expect([a.kind, a.code, a.status]).toEqual([b.kind, b.code, b.status]);
    expect(a.serverMessage).toBe('Unknown error');
    expect(b.serverMessage).toBe('unknown error');
  });

  it('NotFoundError keeps the info block and is not retryable', async () => {
    const error = await failure(client().getOrder(7399999));
    expect((error as NotFoundError).info).toEqual({ id: 7399999, resource: 'Order' });
    expect(error.retryable).toBe(false);
  });

  it('a list without the paging block (the fabricated meta shape) is an invalid response', async () => {
    const error = await failure(client().listPage('orders', { page: 1 }));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toMatch(/paging/);
    expect(error.retryable).toBe(false);
  });

  it('scrubs a token echoed back by the server', async () => {
    const error = await failure(client(2).getOrder(9999));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.serverMessage).not.toContain(TEST_TOKEN);
    expect(error.serverMessage).toContain(tokenFingerprint(TEST_TOKEN));
    expectNoToken(error);
  });

  it('a reset connection becomes a retryable NetworkError that carries no got error object', async () => {
    const before = server.requests.length;
    const error = await failure(client(2).getOrder(1000));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(2);
    expect(server.requests.length - before).toBe(2);
    expect(error.cause).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String) }));
    expect(Object.keys(error.cause as object).sort()).toEqual(['code', 'message', 'name']);
    expectNoToken(error);
  });

  it('a response slower than the response timeout is a NetworkError (ETIMEDOUT)', async () => {
    const c = testClient(server, { logger: log.logger, retry: { maxAttempts: 1 }, timeouts: { responseMs: 200 } });
    const error = await failure(c.getOrder(1001));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ETIMEDOUT');
    expectNoToken(error);
  });

  it('a refused connection is a NetworkError', async () => {
    const closed = await startTestServer(() => ({ status: 200 }));
    const url = closed.url;
    await closed.close();
    const c = createQTicketsClient({ baseUrl: url, token: TEST_TOKEN, logger: log.logger, retry: { maxAttempts: 2, baseDelayMs: 1 }, sleep: async () => {} });
    const error = await failure(c.getOrder(1));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.attempts).toBe(2);
    expectNoToken(error);
  });

  it('the client object itself serialises without the token', () => {
    const c = client();
    expectNoToken(c);
    expect(JSON.stringify(c)).toContain(tokenFingerprint(TEST_TOKEN));
  });

  it('no captured log line contains the token (runs last)', () => {
    expect(log.lines.length).toBeGreaterThan(20);
    expect(log.lines.some((l) => l.includes('"level":"debug"'))).toBe(true);
    expect(log.lines.some((l) => l.includes('retrying'))).toBe(true);
    expect(log.text()).not.toContain(TEST_TOKEN);
    expect(log.text()).not.toContain(TEST_TOKEN.slice(4, -4));
  });
});

describe('constructor guards', () => {
  it('rejects a missing token and a bad base URL without echoing the token', () => {
    expect(() => createQTicketsClient({ baseUrl: 'http://127.0.0.1:1', token: '' })).toThrow(/token/);
    try {
      createQTicketsClient({ baseUrl: `not a url ${TEST_TOKEN}`, token: TEST_TOKEN });
      expect.unreachable();
    } catch (error) {
      expectNoToken(error);
    }
  });

  it('tokenFingerprint shows first 4 and last 4 characters only', () => {
    expect(tokenFingerprint('abcd1234567890wxyz')).toBe('abcd…wxyz');
    expect(tokenFingerprint('short')).toBe('****');
  });
});

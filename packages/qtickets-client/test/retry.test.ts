import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, backoffDelay, DEFAULT_RETRY, NotFoundError, parseRetryAfter, RateLimitedError, ServerError } from '../src/index.ts';
import { nextDelay, resolveRetryOptions } from '../src/retry-policy.ts';
import { fakeClock, testClient } from './support/client.ts';
import { type Reply, startTestServer, type TestServer } from './support/http-server.ts';

const ok = (): Reply => ({ status: 200, body: fixtureText('orders.single.json') });
const e503 = (headers: Record<string, string> = {}): Reply => ({ status: 503, body: fixtureText('errors.503.unknown-error.json'), headers });
const e429 = (headers: Record<string, string> = {}): Reply => ({ status: 429, body: fixtureText('errors.429.synthetic.json'), headers });

describe('retry policy (pure)', () => {
  const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });

  it('defaults: 5 attempts, 120 s total', () => {
    expect(DEFAULT_RETRY.maxAttempts).toBe(5);
    expect(DEFAULT_RETRY.maxTotalMs).toBe(120_000);
  });

  it('full jitter: delay = random * min(maxDelay, base * 2^(attempt-1))', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(0);
    expect(backoffDelay(1, options, () => 0.5)).toBe(50);
    expect(backoffDelay(2, options, () => 0.5)).toBe(100);
    expect(backoffDelay(3, options, () => 0.5)).toBe(200);
    expect(backoffDelay(5, options, () => 0.999)).toBe(999);
    expect(backoffDelay(40, options, () => 0.999)).toBe(999);
  });

  it('full-jitter delays stay within [0, cap) for many random draws', () => {
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const cap = Math.min(1000, 100 * 2 ** (attempt - 1));
      const draws = Array.from({ length: 200 }, () => backoffDelay(attempt, options, Math.random));
      expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws)).toBeLessThan(cap);
      // it is actually jittered, not constant
      expect(new Set(draws).size).toBeGreaterThan(10);
    }
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    const now = Date.UTC(2025, 10, 20, 12, 0, 0);
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter(new Date(now + 12_000).toUTCString(), now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now - 12_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(['7'], now)).toBe(7000);
  });

  it('Retry-After overrides the backoff and is capped by maxDelayMs; the time budget and attempts bound it', () => {
    const base = { retryable: true, elapsedMs: 0, options, random: () => 0 };
    expect(nextDelay({ ...base, attempt: 1, retryAfterMs: 700 })).toBe(700);
    expect(nextDelay({ ...base, attempt: 1, retryAfterMs: 60_000 })).toBe(1000);
    expect(nextDelay({ ...base, attempt: 5, retryAfterMs: undefined })).toBeUndefined();
    expect(nextDelay({ ...base, attempt: 1, retryAfterMs: undefined, retryable: false })).toBeUndefined();
    expect(nextDelay({ ...base, attempt: 1, retryAfterMs: 500, elapsedMs: options.maxTotalMs - 100 })).toBeUndefined();
  });

  it('rejects nonsense options', () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => resolveRetryOptions({ baseDelayMs: -1 })).toThrow(RangeError);
  });
});

describe('retry loop against a scripted server', () => {
  let server: TestServer;
  let script: Reply[] = [];
  beforeAll(async () => {
    server = await startTestServer(() => script.shift() ?? ok());
  });
  beforeEach(() => {
    server.requests.length = 0;
  });
  afterAll(() => server.close());

  it('retries 503 and network resets, then succeeds; attempts are counted', async () => {
    script = [e503(), { destroy: true }, ok()];
    const clock = fakeClock();
    const order = await testClient(server, { ...clock, random: () => 0.5, retry: { baseDelayMs: 100 } }).getOrder(7310590);
    expect(order['id']).toBe(7310590);
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    script = Array.from({ length: 10 }, () => e503());
    const clock = fakeClock();
    const error = await testClient(server, { ...clock, random: () => 0.99, retry: { maxAttempts: 4, baseDelayMs: 100 } })
      .getOrder(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).attempts).toBe(4);
    expect(server.requests).toHaveLength(4);
    expect(clock.sleeps).toEqual([99, 198, 396]);
  });

  it('honours Retry-After in seconds', async () => {
    script = [e429({ 'retry-after': '7' }), ok()];
    const clock = fakeClock();
    await testClient(server, { ...clock, random: () => 0, retry: { maxDelayMs: 30_000 } }).getOrder(1);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date (against the injected clock), also on 503', async () => {
    const clock = fakeClock(Date.UTC(2025, 10, 20, 12, 0, 0));
    script = [e503({ 'retry-after': new Date(clock.now() + 12_000).toUTCString() }), ok()];
    await testClient(server, { ...clock, random: () => 0, retry: { maxDelayMs: 30_000 } }).getOrder(1);
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('caps a huge Retry-After at maxDelayMs', async () => {
    script = [e429({ 'retry-after': '3600' }), ok()];
    const clock = fakeClock();
    await testClient(server, { ...clock, retry: { maxDelayMs: 2500 } }).getOrder(1);
    expect(clock.sleeps).toEqual([2500]);
  });

  it.each([
    [403, 'errors.403.wrong-authorization.json', AuthError],
    [401, 'errors.401.synthetic.json', AuthError],
    [404, 'errors.404.resource-not-found.json', NotFoundError],
  ] as const)('does not retry %s', async (status, fixture, type) => {
    script = [{ status, body: fixtureText(fixture) }, ok()];
    const clock = fakeClock();
    const error = await testClient(server, clock)
      .getOrder(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    script = [];
  });

  it('does not retry 400', async () => {
    script = [{ status: 400, json: { error: 'bad', status: 400, code: 'VALIDATION_ERROR' } }, ok()];
    const error = await testClient(server)
      .getOrder(1)
      .catch((e: unknown) => e);
    expect((error as { kind: string }).kind).toBe('bad_request');
    expect(server.requests).toHaveLength(1);
    script = [];
  });

  it('stops when the next delay would overrun the total-time budget', async () => {
    script = Array.from({ length: 20 }, () => e429());
    const clock = fakeClock();
    const error = await testClient(server, {
      ...clock,
      random: () => 0.99,
      retry: { maxAttempts: 20, baseDelayMs: 1000, maxDelayMs: 60_000, maxTotalMs: 10_000 },
    })
      .getOrder(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    // 990 + 1980 + 3960 = 6930; the next (7920) would end past 10 000 ms → give up after 4 attempts
    expect(clock.sleeps).toEqual([990, 1980, 3960]);
    expect((error as RateLimitedError).attempts).toBe(4);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    script = [];
  });

  it('uses real (bounded) sleeps by default', async () => {
    script = [e503(), ok()];
    const started = Date.now();
    await testClient(server, { sleep: undefined, random: () => 1, retry: { baseDelayMs: 50 } }).getOrder(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

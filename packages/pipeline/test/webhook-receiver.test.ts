import { createHmac } from 'node:crypto';
import { CLAIM_FIELD, closeRedis, createLogger, createQueue, createRedis, type WebhookOutcome } from '@qtp/shared';
import { type TestClickHouse, type TestRedis, testRedis, testWarehouse } from '@qtp/testing';
import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJob } from '../src/jobs/fetch.job.ts';
import { transformJob } from '../src/jobs/transform.job.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../src/webhooks/webhook-receiver.ts';

const SECRET = 'unit-webhook-secret-0123456789';
const SALT = 'test-salt-0123456789abcdef';
const order = (JSON.parse(fixtureText('orders.single.raw-escaped.json')) as { data: Record<string, unknown> }).data;
const log = createLogger({ name: 'test', level: 'silent' });
const sign = (b: string, key = SECRET) => createHmac('sha1', key).update(b).digest('hex');

describe('webhook receiver against real Redis and ClickHouse: answers, buffer, drain into jobs', () => {
  let r: TestRedis;
  let ch: TestClickHouse;
  let rx: WebhookReceiver;
  const outcomes: Array<[string, WebhookOutcome]> = [];
  const post = (body: string, headers: Record<string, string> = {}, url = rx.url) =>
    fetch(url, { method: 'POST', body, headers: { 'x-model-name': 'Order', 'x-event-type': 'payed', 'x-signature': sign(body), ...headers } });
  beforeAll(async () => {
    r = testRedis('wh');
    ch = await testWarehouse('wh');
    rx = await startWebhookReceiver({
      secret: SECRET,
      piiSalt: SALT,
      redis: r.redis,
      prefix: r.prefix,
      clickhouse: ch.client,
      refetchRetry: { attempts: 3, backoffMs: 250 },
      log,
      host: '127.0.0.1',
      port: 0,
      onOutcome: (event, outcome) => outcomes.push([event, outcome]),
    });
  });
  afterAll(async () => {
    await rx?.close();
    await ch?.close();
    await r?.close();
  });

  const jobsOf = async () => {
    const tq = createQueue(transformJob, r.redis, r.prefix);
    const fq = createQueue(fetchJob, r.redis, r.prefix);
    const [t, f] = await Promise.all([
      tq.getJobs(['waiting', 'delayed', 'prioritized'], 0, 1_000),
      fq.getJobs(['waiting', 'delayed', 'prioritized'], 0, 1_000),
    ]);
    await Promise.all([tq.close(), fq.close()]);
    // A transform job's records travel by claim check: read them back as the transformer does.
    const transforms = await Promise.all(
      t.map(async (j) => {
        const key = (j.data as Record<string, unknown>)[CLAIM_FIELD];
        const records = typeof key === 'string' ? (JSON.parse((await r.redis.get(key)) ?? '[]') as unknown[]) : j.data.records;
        return { data: { ...j.data, records }, opts: j.opts };
      }),
    );
    return { transforms, fetches: f };
  };
  const drained = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { transforms, fetches } = await jobsOf();
      if ((await rx.buffer.depth()) === 0 && transforms.reduce((k, j) => k + (j.data.records as unknown[]).length, 0) + fetches.length >= n) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`${n} changes not drained into jobs within 10 s`);
  };

  it('401 to a bad or missing signature (counted as refused), 200 ignored for another model or no id', async () => {
    const body = JSON.stringify(order);
    expect((await post(body, { 'x-signature': sign(body, 'another-secret-0123456') })).status).toBe(401);
    expect((await fetch(rx.url, { method: 'POST', body })).status).toBe(401);
    expect((await post(body, { 'x-model-name': 'Event' })).status).toBe(200);
    expect((await post(JSON.stringify({ hello: 1 }))).status).toBe(200);
    expect(await rx.buffer.depth()).toBe(0);
    expect(outcomes.filter(([, o]) => o === 'refused')).toHaveLength(2);
  });

  it('a valid body becomes a transform job (no fetch), a partial one a refetch with the fetch settings; a redelivery is a duplicate', async () => {
    const full = JSON.stringify({ ...order, updated_at: '2026-11-20T10:00:00+03:00' });
    const partial = JSON.stringify({ id: 777, updated_at: '2026-11-20T10:05:00+03:00' });
    for (const b of [full, partial]) expect((await post(b)).status).toBe(200);
    await drained(2);
    expect((await post(full)).status).toBe(200);
    const deadline = Date.now() + 5_000;
    while (!outcomes.some(([, o]) => o === 'duplicate') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const { transforms, fetches } = await jobsOf();
    expect(transforms).toHaveLength(1);
    expect(transforms[0]?.data).toMatchObject({ stream: 'orders', records: [{ id: order.id, client_hash: expect.any(String) }] });
    expect(JSON.stringify(transforms[0]?.data)).not.toMatch(/"client"|email|payment_url/);
    expect(typeof transforms[0]?.data.receivedAtMs).toBe('number');
    expect(fetches).toHaveLength(1);
    expect(fetches[0]?.data).toMatchObject({
      kind: 'item',
      stream: 'orders',
      parent: { order_id: 777 },
      key: `o777-${Date.parse('2026-11-20T10:05:00+03:00')}`,
    });
    // one run per change (never a shared per-day one), retried with FETCH_ATTEMPTS / FETCH_BACKOFF_MS
    expect(fetches[0]?.data.runId).toBe(`orders-webhook-o777-${Date.parse('2026-11-20T10:05:00+03:00')}`);
    expect(fetches[0]?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 250, jitter: 0.5 } });
    expect(outcomes.map(([, o]) => o).filter((o) => o !== 'refused')).toEqual(['applied', 'refetched', 'duplicate']);
  });

  it('503 when the change cannot be put in Redis (the vendor retries exactly then), counted as failed', async () => {
    const dead = createRedis('redis://127.0.0.1:1', 'dead');
    dead.on('error', () => {});
    const down = await startWebhookReceiver({
      secret: SECRET,
      piiSalt: SALT,
      redis: dead,
      prefix: r.prefix,
      clickhouse: ch.client,
      refetchRetry: { attempts: 1, backoffMs: 100 },
      log,
      host: '127.0.0.1',
      port: 0,
      bufferTimeoutMs: 300,
      onOutcome: (event, outcome) => outcomes.push([event, outcome]),
    });
    try {
      expect((await post(JSON.stringify(order), {}, down.url)).status).toBe(503);
      expect(outcomes.at(-1)).toEqual(['payed', 'failed']);
    } finally {
      await Promise.race([down.close(), new Promise((res) => setTimeout(res, 1_000))]);
      dead.disconnect();
      await closeRedis(dead).catch(() => {});
    }
  });
});

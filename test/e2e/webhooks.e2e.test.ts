import { changeOfDelivery, fetchJob, STREAM_DEFINITIONS, transformJob, writeJob } from '@qtp/pipeline';
import { createQueue, enqueue } from '@qtp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardByDay, type Harness, logCollector, PII_SALT, redisHashes, startAll, startHarness, truthByDay } from './pipeline-harness.ts';
import { changeToRow, orderRequests, recordingProxy, SECRET, startReceiver, type TestReceiver } from './webhook-harness.ts';

const logs = logCollector();

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

const ordersStream = STREAM_DEFINITIONS.find((s) => s.name === 'orders') as (typeof STREAM_DEFINITIONS)[number];

/** Completed refetch jobs whose key starts with `keyPrefix`. */
async function fetchJobs(h: Harness, keyPrefix: string): Promise<number> {
  const q = createQueue(fetchJob, h.r.redis, h.r.prefix);
  const jobs = await q.getJobs(['completed'], 0, 10_000);
  await q.close();
  return jobs.filter((j) => j.data.kind === 'item' && String(j.data.key).startsWith(keyPrefix)).length;
}

const latestVersion = async (h: Harness, orderId: number) =>
  (
    await (
      await h.ch.client.query({
        query: 'SELECT toString(updated_at) AS u FROM stg_qtickets_api_orders_raw FINAL WHERE order_id = {id:UInt64}',
        query_params: { id: orderId },
        format: 'JSONEachRow',
      })
    ).json<{ u: string }>()
  )[0]?.u;

describe('webhooks: signed order bodies land through the normal stages, with no scheduled run', () => {
  let h: Harness;
  let rx: TestReceiver;
  beforeAll(async () => {
    h = await startHarness({ seed: 9, historyDays: 20, ordersPerDay: 60, webhookRetryScale: 0.001 }, logs.sink);
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
    await h.run();
    rx = await startReceiver(h);
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it('refuses a bad or missing signature with 401, queues nothing and logs no body', async () => {
    const body = JSON.stringify({ id: 4242, updated_at: '2026-11-20T10:00:00+03:00', client: { email: 'planted.person@example.com' } });
    for (const headers of [{}, { 'x-signature': 'deadbeef'.repeat(5) }]) {
      const res = await fetch(rx.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-model-name': 'Order', ...headers } });
      expect(res.status).toBe(401);
    }
    expect(await rx.buffer.depth()).toBe(0);
    expect(await rx.outcomes('refused')).toBe(2);
    expect(logs.text()).not.toContain('planted.person');
  });

  it('applies payments, refunds, cancellations and scans from the bodies: no order request; retries and duplicates count once', async () => {
    h.sim.resetRequests();
    h.sim.setFaults({ webhookBadSignatureRate: 0.2, webhookDuplicateRate: 0.3 });
    h.sim.setWebhooks({ url: rx.url, secret: SECRET });
    h.sim.advance(6 * 3_600_000);
    await h.sim.webhooksIdle();
    const log = h.sim.webhookLog();
    expect(log.length).toBeGreaterThan(20);
    expect(log.every((e) => e.status === 'delivered')).toBe(true);
    expect(log.some((e) => e.attempts > 1)).toBe(true);
    await changeToRow(h, log, 30_000);
    await eventually('the dashboard equals the truth', async () => JSON.stringify(await dashboardByDay(h.ch)) === JSON.stringify(truthByDay(h.sim)));
    // every change taken once; an order request only for a change retried after a newer one of its order landed
    const changes = new Set(log.map((e) => `${e.orderId}@${e.changedAt}`)).size;
    const refetched = await rx.outcomes('refetched');
    expect((await rx.outcomes('applied')) + refetched).toBe(changes);
    expect(refetched).toBeLessThan(changes / 10);
    expect(orderRequests(h)).toBe(refetched);
    expect(await rx.outcomes('duplicate')).toBe(log.reduce((n, e) => n + e.duplicates, 0));
    if (refetched > 0) expect(logs.text()).toContain('body older than the version ClickHouse holds');
    // no PII in Redis (the buffered changes and the jobs hold the allow-listed record only), nothing left buffered
    expect(await rx.buffer.depth()).toBe(0);
    expect(await redisHashes(h)).not.toMatch(/@example\.|"email"|client_phone|payment_url/);
    h.sim.setFaults({ webhookBadSignatureRate: 0, webhookDuplicateRate: 0 });
    h.sim.setWebhooks(null);
  });

  it('survives both readings of the body: wrapped in data is used, fields missing is refetched by id', async () => {
    h.sim.resetRequests();
    const seen = h.sim.webhookLog().length;
    const before = { applied: await rx.outcomes('applied'), refetched: await rx.outcomes('refetched') };
    h.sim.setFaults({ webhookWrappedBody: true, webhookPartialBodyRate: 0.4 });
    h.sim.setWebhooks({ url: rx.url, secret: SECRET });
    h.sim.advance(4 * 3_600_000);
    await h.sim.webhooksIdle();
    const log = h.sim.webhookLog().slice(seen);
    expect(log.length).toBeGreaterThan(10);
    await changeToRow(h, log, 30_000);
    const applied = (await rx.outcomes('applied')) - before.applied;
    const refetched = (await rx.outcomes('refetched')) - before.refetched;
    expect(applied).toBeGreaterThan(0);
    expect(refetched).toBeGreaterThan(0);
    expect(applied + refetched).toBe(new Set(log.map((e) => `${e.orderId}@${e.changedAt}`)).size);
    expect(orderRequests(h)).toBe(refetched);
    await eventually('the dashboard equals the truth', async () => JSON.stringify(await dashboardByDay(h.ch)) === JSON.stringify(truthByDay(h.sim)));
    h.sim.setFaults({ webhookWrappedBody: false, webhookPartialBodyRate: 0 });
    h.sim.setWebhooks(null);
  });

  it('an old body delivered after a newer one never replaces it: it is refetched instead', async () => {
    const proxy = await recordingProxy(rx.url);
    try {
      const seen = h.sim.webhookLog().length;
      h.sim.setWebhooks({ url: proxy.url, secret: SECRET });
      h.sim.advance(8 * 3_600_000);
      await h.sim.webhooksIdle();
      const log = h.sim.webhookLog().slice(seen);
      await changeToRow(h, log, 30_000);
      // an order with two changes: its first body comes again (the vendor retrying), after the second landed
      const byOrder = new Map<number, number>();
      for (const e of log) byOrder.set(e.orderId, (byOrder.get(e.orderId) ?? 0) + 1);
      const orderId = [...byOrder].find(([, n]) => n >= 2)?.[0];
      expect(orderId, 'an order with two changes in the stream').toBeDefined();
      const old = proxy.deliveries.find((d) => (JSON.parse(d.body.toString()) as { id: number }).id === orderId);
      if (!old || orderId === undefined) throw new Error('no recorded delivery of that order');
      const newest = await latestVersion(h, orderId);
      expect(Date.parse(`${newest?.replace(' ', 'T')}Z`)).toBeGreaterThan(Date.parse((JSON.parse(old.body.toString()) as { updated_at: string }).updated_at));
      h.sim.resetRequests();
      const refetched = await rx.outcomes('refetched');
      // the seen-marker of that change is gone (e.g. expired): the old body is judged on its version
      for (const k of await h.r.redis.keys(`${h.r.prefix}:webhook:seen:orders|${orderId}|*`)) await h.r.redis.del(k);
      const res = await fetch(rx.url, { method: 'POST', body: old.body, headers: old.headers });
      expect(res.status).toBe(200);
      await eventually('the old delivery refetched', async () => (await rx.outcomes('refetched')) === refetched + 1 && orderRequests(h) === 1);
      await eventually('the refetch done', async () => (await fetchJobs(h, `o${orderId}-`)) > 0);
      expect(await latestVersion(h, orderId)).toBe(newest);
      // and where ClickHouse could not tell (unreachable: the body is applied as it is), the row version rule holds
      const change = changeOfDelivery(ordersStream, old.body, { event: 'created', piiSalt: PII_SALT, receivedAtMs: Date.now() });
      expect(change?.record).toBeDefined();
      const transformQueue = createQueue(transformJob, h.r.redis, h.r.prefix);
      const jobId = await enqueue(transformQueue, transformJob, {
        runId: 'orders-webhook-test',
        stream: 'orders',
        source: 'wh|old',
        fetchedAt: new Date().toISOString(),
        records: [change?.record],
        receivedAtMs: Date.now(),
      });
      await transformQueue.close();
      const writeQueue = createQueue(writeJob, h.r.redis, h.r.prefix);
      await eventually('the old rows written', async () => (await (await writeQueue.getJob(jobId.replace(/\|t$/, '|w')))?.isCompleted()) === true);
      await writeQueue.close();
      expect(await latestVersion(h, orderId)).toBe(newest);
      await eventually('the dashboard equals the truth', async () => JSON.stringify(await dashboardByDay(h.ch)) === JSON.stringify(truthByDay(h.sim)));
    } finally {
      h.sim.setWebhooks(null);
      await proxy.close();
    }
  });
});

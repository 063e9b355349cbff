import type { WebhookLogEntry } from '@qtp/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logCollector, startAll, startHarness } from './pipeline-harness.ts';
import { changeToRow, orderRequests, percentiles, SECRET, startReceiver, type TestReceiver } from './webhook-harness.ts';

/**
 * The API answers 503 to every order request this long in the middle of a webhook stream (shortened here; the
 * issue's minute: QTP_TEST_WEBHOOK_OUTAGE_MS=60000, which also uses the default FETCH_BACKOFF_MS).
 */
const OUTAGE_MS = Number(process.env.QTP_TEST_WEBHOOK_OUTAGE_MS ?? 5_000);
// The refetches' backoff: with equal jitter their 8 attempts span at least 63.5 × this, about twice the outage.
const BACKOFF_MS = OUTAGE_MS >= 60_000 ? 2_000 : Math.ceil(OUTAGE_MS / 30);
const logs = logCollector();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stream(h: Harness, ms: number): Promise<WebhookLogEntry[]> {
  const seen = h.sim.webhookLog().length;
  h.sim.advance(ms);
  await h.sim.webhooksIdle();
  const log = h.sim.webhookLog().slice(seen);
  expect(log.every((e) => e.status === 'delivered')).toBe(true);
  return log;
}

describe('webhooks at the API limit (QTICKETS_RPS=5): bursts, API outages, failed refetches', () => {
  let h: Harness;
  let rx: TestReceiver;
  beforeAll(async () => {
    h = await startHarness({ seed: 17, historyDays: 3, ordersPerDay: 800, webhookRetryScale: 0.001 }, logs.sink);
    await startAll(h);
    await h.run();
    h.env.QTICKETS_RPS = '5';
    await h.start('fetcher');
    rx = await startReceiver(h, { attempts: 8, backoffMs: BACKOFF_MS });
    h.sim.setWebhooks({ url: rx.url, secret: SECRET });
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  it('a burst of 400+ changes lands with p95 change → row within 5 s and no order request', async () => {
    h.sim.resetRequests();
    const seen = h.sim.webhookLog().length;
    h.sim.advance(5 * 3_600_000);
    // the changes are queued for delivery as the clock applies them: measured from then, while they are delivered
    const burst = h.sim.webhookLog().slice(seen);
    expect(burst.length).toBeGreaterThanOrEqual(400);
    const started = Date.now();
    let deliveredMs = 0;
    const [latencies] = await Promise.all([changeToRow(h, burst, 30_000), h.sim.webhooksIdle().then(() => (deliveredMs = Date.now() - started))]);
    const p = percentiles(latencies);
    console.log(`burst of ${burst.length} changes, delivered in ${deliveredMs} ms: change → row p50 ${p.p50} ms, p95 ${p.p95} ms, max ${p.max} ms`);
    // The vendor's side is the simulator's sender (4 deliveries in flight, in this same process): on a quiet machine
    // it delivers such a burst in about 2 s. When an overloaded machine makes its delivering alone take longer than
    // 4 s, the bound stretches by that much (the pipeline's own share is what it can answer for).
    const allowance = Math.max(0, deliveredMs - 4_000);
    expect(p.p95).toBeLessThanOrEqual(5_000 + allowance);
    expect(orderRequests(h)).toBe(0);
  });

  it(`the API failing with 503 for ${OUTAGE_MS / 1000} s mid-stream: every change lands, none waits for a poll`, async () => {
    h.sim.setFaults({ webhookPartialBodyRate: 0.5 });
    const before = await stream(h, 15 * 60_000);
    h.sim.setFaults({ failingResources: ['orders'] });
    const outageEnds = Date.now() + OUTAGE_MS;
    const during = await stream(h, 15 * 60_000);
    await sleep(outageEnds - Date.now());
    h.sim.setFaults({ failingResources: [] });
    const after = await stream(h, 15 * 60_000);
    const all = [...before, ...during, ...after];
    expect(during.length).toBeGreaterThan(3);
    expect(h.sim.requests().byEndpoint['GET /orders/:id']?.['503'] ?? 0).toBeGreaterThan(0);
    const t = Date.now();
    await changeToRow(h, all, OUTAGE_MS + 30_000);
    console.log(`outage: ${before.length}/${during.length}/${after.length} changes, all landed ${Date.now() - t} ms after the stream`);
    expect(await rx.outcomes('refetched')).toBeGreaterThan(0);
    expect(logs.text()).not.toContain('webhook refetch of orders');
    h.sim.setFaults({ webhookPartialBodyRate: 0 });
  });

  it('a refetch that exhausts its retries is recorded with its order, and never blocks a later change', async () => {
    await rx.close();
    rx = await startReceiver(h, { attempts: 1, backoffMs: 100 });
    h.sim.setWebhooks({ url: rx.url, secret: SECRET });
    h.sim.setFaults({ webhookPartialBodyRate: 1, failingResources: ['orders'] });
    const failing = await stream(h, 10 * 60_000);
    expect(failing.length).toBeGreaterThan(0);
    const ids = [...new Set(failing.map((e) => e.orderId))];
    const failedRuns = async () =>
      (
        await (
          await h.ch.client.query({
            query: `SELECT run_id, error FROM meta_job_runs FINAL WHERE stream = 'orders' AND mode = 'webhook' AND status = 'failed'`,
            format: 'JSONEachRow',
          })
        ).json<{ run_id: string; error: string }>()
      ).filter((r) => ids.some((id) => r.run_id.includes(`-o${id}-`)));
    const deadline = Date.now() + 20_000;
    while ((await failedRuns()).length < ids.length && Date.now() < deadline) await sleep(250);
    const recorded = await failedRuns();
    console.log(`isolation: ${failing.length} changes of ${ids.length} orders, ${recorded.length} failed runs recorded`);
    expect(recorded.length).toBeGreaterThanOrEqual(ids.length);
    for (const r of recorded) expect(r.error).toMatch(/webhook refetch of orders \d+ .*(503|UNKNOWN_ERROR|server)/i);
    // the API is back: later changes, of these orders and others, are refetched and land as usual
    h.sim.setFaults({ failingResources: [] });
    const later = await stream(h, 10 * 60_000);
    expect(later.length).toBeGreaterThan(0);
    await changeToRow(h, later, 20_000);
    expect(logs.text()).not.toContain('already failed');
    h.sim.setFaults({ webhookPartialBodyRate: 0 });
  });
});

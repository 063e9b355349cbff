import type { Server } from 'node:http';
import { fetchJob, startWebhookReceiver } from '@qtp/pipeline';
import { createQueue } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardByDay, type Harness, logCollector, startAll, startHarness, truthByDay } from './pipeline-harness.ts';

const SECRET = 'e2e-webhook-secret-0123456789';
const logs = logCollector();

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

describe('webhooks: order changes land through a refetch by id, with no scheduled run', () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let fetchQueue: Queue;
  beforeAll(async () => {
    h = await startHarness({ seed: 9, historyDays: 20, ordersPerDay: 60, webhookRetryScale: 0.001 }, logs.sink);
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
    await h.run();
    fetchQueue = createQueue(fetchJob, h.r.redis, h.r.prefix);
    ({ server, url } = await startWebhookReceiver({ secret: SECRET, fetchQueue, log: h.log, host: '127.0.0.1', port: 0 }));
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await fetchQueue?.close();
    await h?.close();
  });

  it('refuses a bad or missing signature with 401, queues nothing and logs no body', async () => {
    const body = JSON.stringify({ id: 4242, updated_at: '2026-11-20T10:00:00+03:00', client: { email: 'planted.person@example.com' } });
    const before = await fetchQueue.count();
    for (const headers of [{}, { 'x-signature': 'deadbeef'.repeat(5) }]) {
      const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-model-name': 'Order', ...headers } });
      expect(res.status).toBe(401);
    }
    expect(await fetchQueue.count()).toBe(before);
    expect(logs.text()).not.toContain('planted.person');
  });

  it('loads payments, refunds, cancellations and scans within seconds; retries and duplicates cost one refetch each', async () => {
    h.sim.setFaults({ webhookBadSignatureRate: 0.2, webhookDuplicateRate: 0.3 });
    h.sim.setWebhooks({ url, secret: SECRET });
    h.sim.advance(6 * 3_600_000);
    await h.sim.webhooksIdle();
    const log = h.sim.webhookLog();
    expect(log.length).toBeGreaterThan(20);
    expect(log.every((e) => e.status === 'delivered')).toBe(true);
    expect(log.some((e) => e.attempts > 1)).toBe(true);
    await eventually('the dashboard equals the truth', async () => JSON.stringify(await dashboardByDay(h.ch)) === JSON.stringify(truthByDay(h.sim)));
    expect(await dashboardByDay(h.ch)).toEqual(truthByDay(h.sim));
    // one refetch per distinct change (order, updated_at), however often the vendor delivered it
    const refetches = (await fetchQueue.getJobs(['completed', 'waiting', 'active', 'delayed'], 0, 100_000)).filter(
      (j) => j.data.kind === 'item' && j.data.stream === 'orders',
    );
    const changes = new Set(log.map((e) => `${e.orderId}@${e.changedAt}`));
    expect(refetches.length).toBeLessThanOrEqual(changes.size);
    expect(refetches.length).toBeGreaterThan(0);
    h.sim.setWebhooks(null);
  });
});

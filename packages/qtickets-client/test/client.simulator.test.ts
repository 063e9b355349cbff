/**
 * End-to-end against @qtp/simulator (a real HTTP server shaped by the contract): fault-ridden full walk, and the
 * filter-ignored fallback of §4.4/§5.1 in both readings of the UNV "does the server honour where?".
 */
import { startSimulator } from '@qtp/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQTicketsClient, type WalkPage } from '../src/index.ts';
import { captureLogger } from './support/log-capture.ts';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

const TOKEN = 'sim-token-TEST-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const tinyRetry = { maxAttempts: 15, baseDelayMs: 1, maxDelayMs: 5, maxTotalMs: 10_000 };

async function idsOf(pages: AsyncIterable<WalkPage>, anomalies: WalkPage['anomalies'] = []): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of pages) {
    anomalies.push(...page.anomalies);
    for (const row of page.data) ids.push(row['id'] as number);
  }
  return ids;
}

describe('walk over ~100k simulated orders with 30% 503s and 429 bursts', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, orders: 100_000, historyDays: 60, token: TOKEN });
  });
  afterAll(() => sim?.close());

  it('returns exactly the simulator ids — no gaps, no duplicates — and never leaks the token', async () => {
    sim.setFaults({ error503Rate: 0.3, rateLimit: { every: 20, burst: 3, retryAfterSeconds: 1 } });
    const log = captureLogger();
    const client = createQTicketsClient({ baseUrl: sim.apiBaseUrl, token: TOKEN, retry: tinyRetry, logger: log.logger });
    const anomalies: WalkPage['anomalies'] = [];
    const walked = await idsOf(client.walk('orders'), anomalies);
    const expected = sim.orderIds();
    expect(expected.length).toBeGreaterThanOrEqual(100_000);
    expect(walked.length).toBe(expected.length);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(expected);
    expect(anomalies).toEqual([]);
    // the faults really happened and were retried
    const retries = log.lines.filter((l) => l.includes('retrying'));
    expect(retries.some((l) => l.includes('"status":503'))).toBe(true);
    expect(retries.some((l) => l.includes('"status":429'))).toBe(true);
    expect(log.text()).not.toContain(TOKEN);
  }, 120_000);
});

describe('filters against the simulator, both readings of §3.2 (UNV)', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, orders: 6_000, historyDays: 20, token: TOKEN });
    sim.setFaults({ error503Rate: 0.1 });
  });
  afterAll(() => sim?.close());

  const client = () => createQTicketsClient({ baseUrl: sim.apiBaseUrl, token: TOKEN, retry: tinyRetry });

  it('ignoreWhere on: listFiltered reports the filter ignored; the id-ascending tail walk finds exactly the newer ids', async () => {
    sim.setFaults({ ignoreWhere: true });
    const all = sim.orderIds();
    const highWater = all[Math.floor(all.length * 0.93)] as number;
    const where = [{ column: 'id', operator: '>', value: highWater }];

    const filtered = await client().listFiltered('orders', { where, orderBy: { id: 'asc' } });
    expect(filtered.filterHonoured).toBe(false);
    expect(filtered.violations).toBeGreaterThan(0);

    sim.advance(2 * 3600_000); // new orders arrive before the fallback runs
    const expected = sim.orderIds().filter((id) => id > highWater);
    expect(expected.length).toBeGreaterThan(all.length - all.indexOf(highWater) - 1);

    const anomalies: WalkPage['anomalies'] = [];
    const found = (await idsOf(client().walkTail('orders', { afterId: highWater }), anomalies)).sort((a, b) => a - b);
    expect(found).toEqual(expected);
    expect(anomalies).toEqual([]);
  }, 60_000);

  it('ignoreWhere off: the filter is honoured and a filtered walk returns exactly the newer ids', async () => {
    sim.setFaults({ ignoreWhere: false });
    const all = sim.orderIds();
    const highWater = all[Math.floor(all.length * 0.9)] as number;
    const where = [{ column: 'id', operator: '>', value: highWater }];

    const filtered = await client().listFiltered('orders', { where, orderBy: { id: 'asc' } });
    expect(filtered.filterHonoured).toBe(true);
    expect(filtered.paging.total).toBe(all.filter((id) => id > highWater).length);

    const anomalies: WalkPage['anomalies'] = [];
    const found = await idsOf(client().walk('orders', { where, orderBy: { id: 'asc' } }), anomalies);
    expect(found).toEqual(all.filter((id) => id > highWater));
    expect(anomalies).toEqual([]);
  }, 60_000);

  it('ignoreWhere off with the query-string encoding (timestamps with %2B offsets) is honoured too', async () => {
    sim.setFaults({ ignoreWhere: false });
    const c = createQTicketsClient({ baseUrl: sim.apiBaseUrl, token: TOKEN, retry: tinyRetry, filterEncoding: 'query' });
    const probe = await c.listPage('orders', { page: 1 });
    const since = probe.data[10]?.['created_at'] as string;
    const where = [{ column: 'created_at', operator: '>=', value: since }];
    const filtered = await c.listFiltered('orders', { where, orderBy: { id: 'asc' } });
    expect(filtered.filterHonoured).toBe(true);
    expect(filtered.data[0]?.['created_at']).toBe(since);
  }, 60_000);
});

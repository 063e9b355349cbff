import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, type Simulator, startSimulator } from '../src/index.ts';
import { api, call, type Paged } from './http-helpers.ts';

describe('fault injection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 51, orders: 600, historyDays: 6 });
  });
  afterAll(() => sim.close());

  it('error503Rate: roughly that share of requests get 503, alternating the two observed bodies', async () => {
    sim.setFaults({ error503Rate: 0.3 });
    const bodies: unknown[] = [];
    let n503 = 0;
    const N = 400;
    for (let i = 0; i < N; i++) {
      const res = await api(sim, '/events', { query: { page: 99 } });
      if (res.status === 503) {
        n503++;
        bodies.push(res.json);
      } else expect(res.status).toBe(200);
    }
    sim.setFaults({ error503Rate: 0 });
    expect(n503 / N).toBeGreaterThan(0.22);
    expect(n503 / N).toBeLessThan(0.38);
    expect(bodies[0]).toEqual({ error: 'Unknown error', status: 503, code: 'UNKNOWN_ERROR', info: [] });
    expect(bodies[1]).toEqual({ error: 'unknown error', status: 503, code: 'UNKNOWN_ERROR' });
  });

  it('rateLimit: after every `every` requests the next `burst` get 429, Retry-After only when configured', async () => {
    sim.setFaults({ rateLimit: { every: 4, burst: 2, retryAfterSeconds: null } });
    const statuses: number[] = [];
    const retryAfter: unknown[] = [];
    for (let i = 0; i < 18; i++) {
      const res = await api(sim, '/color-themes');
      statuses.push(res.status);
      retryAfter.push(res.headers['retry-after']);
    }
    // the counter is global, so find the phase, then check the period
    const pattern = statuses.map((s) => (s === 429 ? 'x' : '.')).join('');
    expect(pattern).toMatch(/^(?:\.*)(?:x{1,2})?(?:\.{4}xx)+\.{0,4}x{0,2}$/);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(retryAfter.every((r) => r === undefined)).toBe(true);
    sim.setFaults({ rateLimit: { every: 1, burst: 1, retryAfterSeconds: 7 } });
    const two = [await api(sim, '/color-themes'), await api(sim, '/color-themes')];
    const limited = two.find((r) => r.status === 429);
    expect(limited?.headers['retry-after']).toBe('7');
    expect(limited?.json).toMatchObject({ status: 429 });
    sim.setFaults({ rateLimit: null });
  });

  it('resetRate: connections dropped without a response', async () => {
    sim.setFaults({ resetRate: 0.5 });
    let errors = 0;
    for (let i = 0; i < 60; i++) {
      try {
        await api(sim, '/color-themes');
      } catch {
        errors++;
      }
    }
    sim.setFaults({ resetRate: 0 });
    expect(errors).toBeGreaterThan(15);
    expect(errors).toBeLessThan(45);
  });

  it('latencyMs delays API requests but not /__sim', async () => {
    // A latency far above normal response times, so a busy machine cannot blur the difference.
    sim.setFaults({ latencyMs: 1_500 });
    let t = performance.now();
    await api(sim, '/color-themes');
    expect(performance.now() - t).toBeGreaterThanOrEqual(1_490);
    t = performance.now();
    await call(`${sim.url}/__sim/faults`);
    expect(performance.now() - t).toBeLessThan(1_000);
    sim.setFaults({ latencyMs: 0 });
  });

  it('malformedRate: a deterministic set of orders, served broken identically in lists and single fetch', async () => {
    sim.setFaults({ malformedRate: 0.1 });
    const ids = sim.malformedOrderIds();
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.length).toBeLessThan(110);
    const page1 = ((await api(sim, '/orders')).json as Paged).data;
    const listed = page1.filter(
      (o) =>
        typeof o.id !== 'number' ||
        o.payed_at === 'not-a-date' ||
        o.baskets === null ||
        (o.baskets as { price: unknown }[]).some((b) => typeof b.price !== 'number'),
    );
    const malformedOnPage = sim
      .orderIds()
      .slice(0, 50)
      .filter((id) => ids.includes(id));
    expect(listed.length).toBe(malformedOnPage.length);
    for (const id of malformedOnPage.slice(0, 5)) {
      const a = (await api(sim, `/orders/${id}`)).json as { data: Record<string, unknown> };
      const b = (await api(sim, `/orders/${id}`)).json as { data: Record<string, unknown> };
      expect(a).toEqual(b);
      const inList = page1.find((o) => o.uniqid === a.data.uniqid);
      expect({ ...a.data, integrations: [] }).toEqual(inList);
    }
    expect((await api(sim, '/orders')).text).toBe((await api(sim, '/orders')).text);
    // raising the rate keeps the old ones (threshold on a fixed hash)
    sim.setFaults({ malformedRate: 0.2 });
    expect(sim.malformedOrderIds().filter((id) => ids.includes(id))).toEqual(ids);
    sim.setFaults({ malformedRate: 0 });
    expect(sim.malformedOrderIds()).toEqual([]);
  });

  it('admin endpoints: faults read/write, advance, validation', async () => {
    expect((await call(`${sim.url}/__sim/faults`)).json).toEqual(DEFAULT_FAULTS);
    const set = await call(`${sim.url}/__sim/faults`, { method: 'POST', body: { error503Rate: 0.25, ignoreWhere: true } });
    expect(set.json).toEqual({ ...DEFAULT_FAULTS, error503Rate: 0.25, ignoreWhere: true });
    expect(sim.faults()).toEqual(set.json);
    expect((await call(`${sim.url}/__sim/faults`, { method: 'POST', body: { error503Rate: 2 } })).status).toBe(400);
    expect((await call(`${sim.url}/__sim/faults`, { method: 'POST', body: { bogus: 1 } })).status).toBe(400);
    sim.setFaults(DEFAULT_FAULTS);
    const before = Date.parse(sim.now());
    const adv = await call(`${sim.url}/__sim/advance`, { method: 'POST', body: { ms: 3_600_000 } });
    expect(adv.json).toEqual({ now: sim.now() });
    expect(Date.parse(sim.now()) - before).toBe(3_600_000);
    expect((await call(`${sim.url}/__sim/advance`, { method: 'POST', body: { ms: -5 } })).status).toBe(400);
    expect(() => sim.setFaults({ resetRate: 1.5 })).toThrow();
  });
});

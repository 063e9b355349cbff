import { ORDER_TABLES } from '@qtp/pipeline';
import { createQTicketsClient } from '@qtp/qtickets-client';
import { createLogger } from '@qtp/shared';
import { count } from '@qtp/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startAll, startHarness } from './pipeline-harness.ts';
import { requeue } from './requeue-cli.ts';

describe.each([false, true])('backfill of a date range (server ignores filters: %s)', (ignoreWhere) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 21, historyDays: 12, ordersPerDay: 90, faults: { ignoreWhere } });
    await startAll(h);
  });
  afterAll(async () => h?.close());

  it('loads every order created on those Moscow days, through the re-queue CLI, without moving the stream state', async () => {
    const now = DateTime.fromISO(h.sim.now(), { zone: 'Europe/Moscow' });
    const from = now.minus({ days: 6 }).toISODate() as string;
    const to = now.minus({ days: 5 }).toISODate() as string;
    const res = await requeue(h, ['orders', '--from', from, '--to', to, '--wait']);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/run orders-bf-\S+ done: \d+ pages/);

    // expected: every order the API says was created on those days
    const client = createQTicketsClient({ baseUrl: h.sim.apiBaseUrl, token: h.sim.token, logger: createLogger({ name: 't', level: 'silent' }) });
    const start = DateTime.fromISO(from, { zone: 'Europe/Moscow' }).toMillis();
    const end = DateTime.fromISO(to, { zone: 'Europe/Moscow' }).plus({ days: 1 }).toMillis();
    const expected: number[] = [];
    for await (const page of client.walk('orders', {})) {
      for (const o of page.data) {
        const created = Date.parse(String(o.created_at));
        if (created >= start && created < end && typeof o.id === 'number' && !h.sim.malformedOrderIds().includes(o.id)) expected.push(o.id);
      }
    }
    expect(expected.length).toBeGreaterThan(150);
    const loaded = await (await h.ch.client.query({ query: `SELECT DISTINCT order_id FROM ${ORDER_TABLES.orders}`, format: 'JSONEachRow' })).json<{
      order_id: string;
    }>();
    const ids = new Set(loaded.map((r) => Number(r.order_id)));
    for (const id of expected) expect(ids.has(id)).toBe(true);
    // a bounded window, not the whole history
    expect(ids.size).toBeLessThan(h.sim.orderIds().length / 3);
    // the stream's state did not move; the run is in the history with its window
    expect(await count(h.ch, `SELECT count() FROM etl_state FINAL WHERE stream = 'orders'`)).toBe(0);
    const runs = await (
      await h.ch.client.query({ query: `SELECT mode, status, toString(window_from) AS f FROM meta_job_runs FINAL`, format: 'JSONEachRow' })
    ).json();
    expect(runs).toEqual([expect.objectContaining({ mode: 'backfill', status: 'ok', f: expect.stringMatching(/^\d{4}-/) })]);
  });

  it('refuses a bad range with a clear message and exit code 2', async () => {
    const res = await requeue(h, ['orders', '--from', '2026-10-07', '--to', '2026-10-01']);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/must be before/);
  });
});

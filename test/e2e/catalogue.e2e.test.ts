import { hashClientId } from '@qtp/pipeline';
import { createQTicketsClient } from '@qtp/qtickets-client';
import { count } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logCollector, PII_SALT, redisHashes, startAll, startHarness } from './pipeline-harness.ts';

const logs = logCollector();

type Listed = { ids: number[]; deleted: number[] };

/** What the API lists right now, read independently of the pipeline (every page, id and deleted_at only). */
async function listed(h: Harness, resource: 'discounts' | 'promo-codes' | 'clients'): Promise<Listed> {
  const api = createQTicketsClient({ baseUrl: h.sim.apiBaseUrl, token: h.sim.token, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
  const ids: number[] = [];
  const deleted: number[] = [];
  for await (const page of api.walk(resource, { idOrder: 'none' })) {
    for (const r of page.data as Array<{ id: number; deleted_at?: string | null }>) {
      ids.push(Number(r.id));
      if (r.deleted_at) deleted.push(Number(r.id));
    }
  }
  return { ids: ids.sort((a, b) => a - b), deleted: deleted.sort((a, b) => a - b) };
}

async function ids(h: Harness, sql: string): Promise<number[]> {
  const rows = await (await h.ch.client.query({ query: sql, format: 'JSONEachRow' })).json<{ id: string }>();
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

describe('catalogue streams end to end: discounts, promo codes, price shades, clients', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 5, historyDays: 20, ordersPerDay: 40 }, logs.sink);
    await startAll(h);
    await h.run('reconcile', 120_000, 'orders');
    for (const s of ['discounts', 'promo_codes', 'color_themes', 'clients'] as const) await h.run('reconcile', 120_000, s);
  });
  afterAll(async () => h?.close());

  it('loads every discount and promo code the API lists, soft-deleted ones flagged', async () => {
    for (const [resource, table, key] of [
      ['discounts', 'dim_qtickets_discounts', 'discount_id'],
      ['promo-codes', 'dim_qtickets_promo_codes', 'promo_code_id'],
    ] as const) {
      const api = await listed(h, resource);
      expect(api.ids.length).toBeGreaterThan(0);
      expect(await ids(h, `SELECT ${key} AS id FROM ${table} FINAL`)).toEqual(api.ids);
      expect(await ids(h, `SELECT ${key} AS id FROM ${table} FINAL WHERE is_deleted = 1`)).toEqual(api.deleted);
      expect(await count(h.ch, `SELECT count() FROM ${table} FINAL`)).toBe(await count(h.ch, `SELECT uniqExact(${key}) FROM ${table}`));
    }
  });

  it('loads the price shades', async () => {
    const api = createQTicketsClient({ baseUrl: h.sim.apiBaseUrl, token: h.sim.token });
    const themes = await api.colorThemes();
    const rows = await (
      await h.ch.client.query({ query: 'SELECT color_theme_id AS id, color FROM dim_qtickets_color_themes FINAL ORDER BY id', format: 'JSONEachRow' })
    ).json<{
      id: string;
      color: string;
    }>();
    expect(rows.map((r) => ({ id: Number(r.id), color: r.color }))).toEqual(
      themes.map((t) => ({ id: Number(t.id), color: t.color })).sort((a, b) => a.id - b.id),
    );
  });

  it('keeps clients as salted hashes only: the same hash as on their orders, no personal data', async () => {
    const api = await listed(h, 'clients');
    const hashes = await (
      await h.ch.client.query({ query: 'SELECT client_hash FROM stg_qtickets_api_clients FINAL ORDER BY client_hash', format: 'JSONEachRow' })
    ).json<{
      client_hash: string;
    }>();
    expect(hashes.map((r) => r.client_hash)).toEqual(api.ids.map((id) => hashClientId(PII_SALT, id)).sort());
    // every buyer on an order is a known client
    expect(
      await count(
        h.ch,
        "SELECT count() FROM stg_qtickets_api_orders_raw FINAL WHERE client_hash != '' AND client_hash NOT IN (SELECT client_hash FROM stg_qtickets_api_clients)",
      ),
    ).toBe(0);
    const dump = await (await h.ch.client.query({ query: 'SELECT * FROM stg_qtickets_api_clients', format: 'JSONEachRow' })).text();
    expect(dump).not.toMatch(/@example\.|\+7900/);
    const planted = h.sim.piiValues().map((v) => v.toLowerCase());
    const jobs = (await redisHashes(h)).toLowerCase();
    expect(jobs).toContain('stg_qtickets_api_clients');
    for (const v of planted) if (v.length > 5) expect(jobs.includes(v), `PII "${v}" in Redis`).toBe(false);
    expect(logs.text()).not.toMatch(/@example\.|\+7900/);
  });

  it('joins discount and promo code names into v_sales_latest and sums sales per discount day', async () => {
    const withPromo = await count(h.ch, 'SELECT count() FROM v_sales_latest WHERE promo_code_id IS NOT NULL');
    expect(withPromo).toBeGreaterThan(0);
    expect(await count(h.ch, 'SELECT count() FROM v_sales_latest WHERE promo_code_id IS NOT NULL AND promo_code IS NULL')).toBe(0);
    expect(await count(h.ch, 'SELECT count() FROM v_sales_latest WHERE discount_id IS NOT NULL AND discount_name IS NULL')).toBe(0);
    // per discount day the view adds up to the daily totals
    const byDiscount = await (
      await h.ch.client.query({
        query: 'SELECT toString(day) AS d, toString(sum(revenue)) AS r, sum(tickets_sold) AS t FROM v_sales_by_discount GROUP BY d ORDER BY d',
        format: 'JSONEachRow',
      })
    ).json();
    const daily = await (
      await h.ch.client.query({
        query: 'SELECT toString(day) AS d, toString(sum(revenue)) AS r, sum(tickets_sold) AS t FROM fact_qtickets_sales_daily GROUP BY d ORDER BY d',
        format: 'JSONEachRow',
      })
    ).json();
    expect(byDiscount).toEqual(daily);
  });
});

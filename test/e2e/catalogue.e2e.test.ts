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
    // Completed jobs keep no rows (their claims are dropped): look at a run's rows while they wait for the writer.
    await h.stop('writer');
    const running = h.run('reconcile', 120_000, 'clients');
    let jobs = '';
    for (const until = Date.now() + 30_000; !jobs.includes('stg_qtickets_api_clients') && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100));
      jobs = (await redisHashes(h)).toLowerCase();
    }
    await h.start('writer');
    await running;
    expect(jobs).toContain('stg_qtickets_api_clients');
    for (const v of planted) if (v.length > 5) expect(jobs.includes(v), `PII "${v}" in Redis`).toBe(false);
    expect(logs.text()).not.toMatch(/@example\.|\+7900/);
  });

  it('equals the simulator ground truth; after it adds, changes, soft-deletes and removes rows, converges with no duplicates', async () => {
    const streams = [
      ['discounts', 'dim_qtickets_discounts', 'discount_id'],
      ['promo_codes', 'dim_qtickets_promo_codes', 'promo_code_id'],
      ['color_themes', 'dim_qtickets_color_themes', 'color_theme_id'],
    ] as const;
    const expectTruth = async () => {
      const truth = h.sim.truth().catalogue;
      for (const [stream, table, key] of streams) {
        const t = truth[stream];
        const live = await ids(h, `SELECT ${key} AS id FROM ${table} FINAL WHERE vanished_at IS NULL`);
        expect(live, `${stream} listed`).toEqual([...t.listed].sort((a, b) => a - b));
        expect(await ids(h, `SELECT ${key} AS id FROM ${table} FINAL WHERE is_deleted = 1 AND vanished_at IS NULL`), `${stream} soft-deleted`).toEqual(
          [...t.deleted].sort((a, b) => a - b),
        );
        // every id that vanished upstream and that we had loaded is flagged deleted, never left live
        const gone = await ids(h, `SELECT ${key} AS id FROM ${table} FINAL WHERE vanished_at IS NOT NULL AND is_deleted = 1`);
        for (const id of gone) expect(t.vanished, `${stream} ${id} vanished`).toContain(id);
        expect(await count(h.ch, `SELECT count() FROM ${table} FINAL`)).toBe(await count(h.ch, `SELECT uniqExact(${key}) FROM ${table}`));
      }
      return truth;
    };
    await expectTruth();
    h.sim.advance(20 * 86_400_000);
    for (const [stream] of streams) await h.run('reconcile', 120_000, stream);
    const truth = await expectTruth();
    const vanishedLoaded = await count(h.ch, 'SELECT count() FROM dim_qtickets_discounts FINAL WHERE vanished_at IS NOT NULL');
    const removed = truth.discounts.vanished.length + truth.promo_codes.vanished.length + truth.color_themes.vanished.length;
    expect(removed, 'the simulator removed rows in 20 days').toBeGreaterThan(0);
    expect(vanishedLoaded + (await count(h.ch, 'SELECT count() FROM dim_qtickets_promo_codes FINAL WHERE vanished_at IS NOT NULL'))).toBeGreaterThan(0);
    // a second refresh of an unchanged catalogue changes nothing under FINAL
    const before = await (
      await h.ch.client.query({
        query: 'SELECT discount_id, is_deleted, toString(vanished_at) AS v FROM dim_qtickets_discounts FINAL ORDER BY discount_id',
        format: 'JSONEachRow',
      })
    ).json();
    await h.run('reconcile', 120_000, 'discounts');
    const after = await (
      await h.ch.client.query({
        query: 'SELECT discount_id, is_deleted, toString(vanished_at) AS v FROM dim_qtickets_discounts FINAL ORDER BY discount_id',
        format: 'JSONEachRow',
      })
    ).json();
    expect(after).toEqual(before);
  });

  it('an endpoint failing for hours blocks neither the other streams nor their state', async () => {
    const stateOf = async (stream: string) =>
      (
        await (
          await h.ch.client.query({
            query: 'SELECT last_run_id FROM etl_state FINAL WHERE stream = {s:String}',
            query_params: { s: stream },
            format: 'JSONEachRow',
          })
        ).json<{ last_run_id: string }>()
      )[0]?.last_run_id;
    const discountsBefore = await stateOf('discounts');
    h.sim.setFaults({ failingResources: ['discounts'] });
    try {
      const stuck = h.run('reconcile', 600_000, 'discounts').catch(() => undefined);
      h.sim.advance(3_600_000);
      await h.run('incremental', 60_000, 'orders');
      await h.run('reconcile', 60_000, 'promo_codes');
      await h.run('reconcile', 60_000, 'clients');
      expect(await stateOf('discounts')).toBe(discountsBefore);
      void stuck;
    } finally {
      h.sim.setFaults({ failingResources: [] });
    }
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

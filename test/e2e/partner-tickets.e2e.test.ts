import { fetcherEnv, moscowDate } from '@qtp/pipeline';
import { parseApiJson } from '@qtp/qtickets-client';
import { parseConfig } from '@qtp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logCollector, redisHashes, startAll, startHarness, truthByDay } from './pipeline-harness.ts';

const logs = logCollector();
const DAY = 86_400_000;
const BUDGET = 30;
const FIND = 'GET /partners/tickets/find/:event_id/:show_id';

type TicketTruth = { id: number; event_id: number; show_id: number; paid: 0 | 1; price: string; deleted: 0 | 1 };
type Counts = ReturnType<Harness['sim']['requests']>;

const finds = (c: Counts) => Object.values(c.byEndpoint[FIND] ?? {}).reduce((n, v) => n + v, 0);

/** Incremental runs until one has nothing to read; each stays within PARTNER_TICKETS_MAX_REQUESTS_PER_RUN. */
async function runUntilIdle(h: Harness): Promise<number[]> {
  const spent: number[] = [];
  for (let i = 0; i < 15; i++) {
    const before = finds(h.sim.requests());
    await h.run('incremental', 120_000, 'partner_tickets');
    spent.push(finds(h.sim.requests()) - before);
    expect(spent.at(-1), `run ${i + 1} within the budget`).toBeLessThanOrEqual(BUDGET);
    if (spent.at(-1) === 0) return spent;
  }
  throw new Error(`partner tickets did not settle: ${spent.join(', ')}`);
}

async function loaded(h: Harness): Promise<TicketTruth[]> {
  const rs = await h.ch.client.query({
    query: `SELECT ticket_id, event_id, show_id, paid, toDecimalString(ifNull(price, toDecimal64(0, 2)), 2) AS price, is_deleted
            FROM stg_qtickets_partner_tickets FINAL WHERE vanished_at IS NULL ORDER BY ticket_id`,
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, string | number>>()).map((r) => ({
    id: Number(r.ticket_id),
    event_id: Number(r.event_id),
    show_id: Number(r.show_id),
    paid: Number(r.paid) as 0 | 1,
    price: String(r.price),
    deleted: Number(r.is_deleted) as 0 | 1,
  }));
}

/** What the partners API serves for every show right now, read directly (independent of the pipeline). */
async function served(h: Harness): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const shows = new Map<number, number>();
  for (const t of h.sim.truth().partner_tickets) shows.set(t.show_id, t.event_id);
  for (const [show, event] of shows) {
    const res = await fetch(`${h.sim.partnersBaseUrl}/tickets/find/${event}/${show}`, { headers: { Authorization: `Bearer ${h.sim.partnersToken}` } });
    const body = parseApiJson(await res.text()) as { result: Array<Record<string, unknown>> };
    out.push(...body.result);
  }
  return out;
}

describe('partner tickets end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 41, historyDays: 20, ordersPerDay: 80, faults: { partnerStringIdRate: 0.3 } }, logs.sink);
    Object.assign(h.env, {
      QTICKETS_PARTNERS_BASE_URL: h.sim.partnersBaseUrl,
      QTICKETS_PARTNERS_TOKEN: h.sim.partnersToken,
      PARTNER_TICKETS_MAX_REQUESTS_PER_RUN: String(BUDGET),
    });
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
    await h.run('reconcile', 120_000, 'orders');
  }, 240_000);
  afterAll(async () => h?.close());

  it('first load: every show read within the per-run budget; equals the ground truth, string ids normalised', async () => {
    const shows = Number(
      (await (await h.ch.client.query({ query: 'SELECT count() AS n FROM stg_qtickets_api_shows FINAL', format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n,
    );
    expect(shows).toBeGreaterThan(BUDGET);
    const spent = await runUntilIdle(h);
    expect(spent.reduce((n, s) => n + s, 0)).toBe(shows);
    expect(spent.length).toBe(Math.ceil(shows / BUDGET) + 1);
    const truth = h.sim.truth().partner_tickets as TicketTruth[];
    expect(truth.length).toBeGreaterThan(50);
    expect(truth.some((t) => t.deleted === 1) && truth.some((t) => t.paid === 0)).toBe(true);
    expect((await served(h)).some((t) => typeof t.id === 'string')).toBe(true);
    expect(await loaded(h)).toEqual(truth);
  });

  it('sales by channel: partner tickets per Moscow paid day, own = the rest of the REST sales', async () => {
    const partner = new Map<string, { n: number; cents: bigint }>();
    for (const t of await served(h)) {
      if (t.paid !== 1 || typeof t.paid_at !== 'string') continue;
      const day = moscowDate(t.paid_at);
      const p = partner.get(day) ?? { n: 0, cents: 0n };
      const [i = '0', f = ''] = String(t.price).split('.');
      partner.set(day, { n: p.n + 1, cents: p.cents + BigInt(i) * 100n + BigInt(f.padEnd(2, '0')) });
    }
    const rs = await h.ch.client.query({
      query: 'SELECT toString(day) AS day, channel, tickets_sold AS n, toDecimalString(revenue, 2) AS r FROM v_sales_by_channel ORDER BY day, channel',
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ day: string; channel: string; n: string; r: string }>();
    const money = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
    const cents = (s: string) => BigInt(s.replace('.', ''));
    for (const [day, p] of partner)
      expect(rows.find((r) => r.day === day && r.channel === 'partner')).toEqual({ day, channel: 'partner', n: String(p.n), r: money(p.cents) });
    expect(rows.filter((r) => r.channel === 'partner').length).toBe(partner.size);
    // every ticket sold is counted once: own + partner = the REST ground truth per day (partner tickets are REST baskets here)
    for (const d of truthByDay(h.sim)) {
      const of = (c: string) => rows.find((r) => r.day === d.day && r.channel === c);
      expect(Number(of('own')?.n ?? 0) + Number(of('partner')?.n ?? 0), d.day).toBe(d.tickets_sold);
      expect(money(cents(of('own')?.r ?? '0.00') + cents(of('partner')?.r ?? '0.00')), d.day).toBe(d.revenue);
    }
  });

  it('after the clock moves (sales, payments, cancellations, refunds): due shows re-read within the budget; equals the truth', async () => {
    const before = h.sim.truth().partner_tickets;
    h.sim.advance(DAY);
    await h.run('reconcile', 120_000, 'events');
    await h.run('incremental', 120_000, 'orders');
    const truth = h.sim.truth().partner_tickets as TicketTruth[];
    expect(truth).not.toEqual(before);
    const spent = await runUntilIdle(h);
    expect(spent[0]).toBeGreaterThan(0);
    expect(await loaded(h)).toEqual(truth);
  });

  it('a re-queue (reconcile run) reads every show now', async () => {
    const shows = Number(
      (await (await h.ch.client.query({ query: 'SELECT count() AS n FROM stg_qtickets_api_shows FINAL', format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n,
    );
    const before = finds(h.sim.requests());
    await h.run('reconcile', 120_000, 'partner_tickets');
    expect(finds(h.sim.requests()) - before).toBe(shows);
    expect(await loaded(h)).toEqual(h.sim.truth().partner_tickets);
  });

  it('WRONG_AUTHORIZATION (HTTP 200, status error) fails the partner run at once; an orders run still succeeds', async () => {
    await h.start('fetcher', { partnersToken: 'wrong-partner-key-0123456789' });
    const before = h.sim.requests();
    const failed = await h.runExpectingFailure(60_000, 'partner_tickets', 'reconcile');
    // no retries, and the run's other shows are skipped once it has failed (in flight at most: the fetch concurrency)
    const spent = finds(h.sim.requests()) - finds(before);
    expect(spent).toBeGreaterThanOrEqual(1);
    expect(spent).toBeLessThanOrEqual(Number(h.env.FETCH_CONCURRENCY));
    h.sim.advance(DAY / 4);
    const ok = await h.run('incremental', 120_000, 'orders');
    type Run = { run_id: string; stream: string; status: string; error: string };
    let runs: Run[] = [];
    // the scheduler records failed runs within seconds (its sweep)
    for (let i = 0; i < 50 && runs.find((r) => r.run_id === failed)?.status !== 'failed'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200));
      const rs = await h.ch.client.query({
        query: 'SELECT run_id, stream, status, error FROM meta_job_runs FINAL WHERE run_id IN ({ids:Array(String)})',
        query_params: { ids: [failed, ok] },
        format: 'JSONEachRow',
      });
      runs = await rs.json<Run>();
    }
    expect(runs.find((r) => r.run_id === failed)).toMatchObject({
      stream: 'partner_tickets',
      status: 'failed',
      error: expect.stringMatching(/^auth: .*WRONG_AUTHORIZATION/),
    });
    expect(runs.find((r) => r.run_id === ok)).toMatchObject({ stream: 'orders', status: 'ok' });
    expect(JSON.stringify(runs) + logs.text()).not.toContain('wrong-partner-key-0123456789');
    await h.start('fetcher');
  });

  it('without QTICKETS_PARTNERS_TOKEN the stream is off: the fetcher starts without it and a plan is skipped with a clear line', async () => {
    delete h.env.QTICKETS_PARTNERS_TOKEN;
    delete h.env.QTICKETS_PARTNERS_BASE_URL;
    expect(parseConfig(fetcherEnv, h.env).QTICKETS_PARTNERS_TOKEN).toBeUndefined();
    try {
      await h.start('scheduler');
      await expect(h.run('reconcile', 30_000, 'partner_tickets')).rejects.toThrow(/partner_tickets is disabled: QTICKETS_PARTNERS_TOKEN is not set/);
      expect(logs.text()).toContain('stream partner_tickets is disabled: QTICKETS_PARTNERS_TOKEN is not set; run skipped');
    } finally {
      Object.assign(h.env, { QTICKETS_PARTNERS_BASE_URL: h.sim.partnersBaseUrl, QTICKETS_PARTNERS_TOKEN: h.sim.partnersToken });
      await h.start('scheduler');
    }
  });

  it('keeps holder e-mails, phones, names and barcodes out of ClickHouse, Redis and the logs', async () => {
    const tickets = await served(h);
    const barcodes = new Set(tickets.map((t) => t.barcode).filter((b): b is string => typeof b === 'string'));
    const holders = new Set(
      tickets.flatMap((t) => [t.client_email, t.client_phone, t.client_name, t.client_surname].filter((v): v is string => typeof v === 'string')),
    );
    expect(barcodes.size).toBeGreaterThan(20);
    expect([...holders].some((v) => v.includes('@'))).toBe(true);
    const pii = new Set([...h.sim.piiValues(), ...holders].map((v) => v.toLowerCase()));
    const leaks = (text: string) => text.split(/[^0-9A-Za-zА-Яа-яЁё@.+_-]+/).filter((t) => barcodes.has(t) || pii.has(t.toLowerCase()));
    const tables = await (
      await h.ch.client.query({ query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View'`, format: 'JSONEachRow' })
    ).json<{ name: string }>();
    for (const { name } of tables) {
      const dump = await (await h.ch.client.query({ query: `SELECT * FROM ${name}`, format: 'JSONEachRow' })).text();
      expect(leaks(dump), `table ${name}`).toEqual([]);
      expect(/@example\.|\+7900/.test(dump), `table ${name}`).toBe(false);
    }
    const jobs = await redisHashes(h);
    expect(jobs.includes('partner_tickets')).toBe(true);
    expect(leaks(jobs)).toEqual([]);
    expect(/@example\.|\+7900/.test(jobs)).toBe(false);
    expect(leaks(logs.text())).toEqual([]);
    expect(logs.text()).not.toContain(h.sim.partnersToken);
  });
});

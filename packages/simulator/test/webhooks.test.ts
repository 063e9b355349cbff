import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator, WebhookLogEntry } from '../src/index.ts';
import { api, call, simulatorPool, walk } from './http-helpers.ts';

/**
 * Webhooks (contract §9): every order change the clock applies is POSTed to the receiver, signed, retried with n³ s
 * delays (scaled down here) until HTTP 200, without ever blocking advance().
 */

type Row = Record<string, unknown>;
type Received = { at: number; headers: IncomingHttpHeaders; raw: string; body: Row };
const HOUR = 3600_000;
const SECRET = 'whsec-test-0001';
const { start, closeAll } = simulatorPool();

/** A webhook receiver: records every request; `answer` decides the HTTP status. */
class Receiver {
  readonly got: Received[] = [];
  answer: (r: Received) => number = () => 200;
  private server: Server | null = null;
  url = '';

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const r: Received = { at: Date.now(), headers: req.headers, raw, body: JSON.parse(raw) as Row };
        this.got.push(r);
        res.writeHead(this.answer(r)).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/qtickets`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

const sign = (raw: string, secret = SECRET): string => createHmac('sha1', secret).update(raw).digest('hex');
const WEBHOOK_FIELDS = ['primary_orders', 'secondary_orders', 'refunded_baskets', 'checked_basket', 'checked_service', 'unchecked_basket', 'unchecked_service'];

/** The order part of a webhook body (webhook-only fields and client.details.telegram_user removed). */
function orderPart(body: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(body)) if (!WEBHOOK_FIELDS.includes(k)) out[k] = v;
  const client = out.client as { details: Row };
  const { telegram_user: _, ...details } = client.details;
  out.client = { ...client, details };
  return out;
}

/** The changes the API shows after `sinceMs`, as `<order id> <event>` strings (sorted). */
function expectedChanges(orders: Row[], sinceMs: number): string[] {
  const out: string[] = [];
  const after = (ts: unknown) => typeof ts === 'string' && Date.parse(ts) > sinceMs;
  for (const o of orders) {
    if (after(o.created_at)) out.push(`${o.id} created`);
    if (after(o.payed_at)) out.push(`${o.id} payed`);
    if (after(o.deleted_at)) out.push(`${o.id} deleted`);
    if ((o.refunds as Row[]).some((r) => after(r.created_at))) out.push(`${o.id} refunded`);
    for (const b of o.baskets as Row[]) if (after(b.checked_at)) out.push(`${o.id} checked`);
  }
  return out.sort();
}

const summary = (log: WebhookLogEntry[]) => log.map((e) => `${e.orderId} ${e.event}`).sort();

describe('webhooks', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.listen());
  afterAll(async () => {
    await closeAll();
    await receiver.close();
  });

  it('pushes every change the clock applies: signed, with the contract headers and the order at the change', async () => {
    receiver.got.length = 0;
    const sim = await start({ seed: 91, orders: 600, historyDays: 5, webhooks: { url: receiver.url, secret: SECRET }, webhookRetryScale: 0.001 });
    const startMs = Date.parse(sim.now());
    const t0 = Date.now();
    sim.advance(2 * 24 * HOUR);
    const queued = sim.webhookLog();
    expect(receiver.got.length).toBe(0); // advance() only queues
    expect(queued.length).toBeGreaterThan(100);
    expect(queued.every((e) => e.status === 'pending' && e.changedAtWall >= t0 && e.deliveredAtWall === null)).toBe(true);
    await sim.webhooksIdle();
    const log = sim.webhookLog();
    expect(log.every((e) => e.status === 'delivered' && e.attempts === 1 && e.lastHttpStatus === 200)).toBe(true);
    expect(log.every((e) => (e.deliveredAtWall as number) >= e.changedAtWall)).toBe(true);
    expect(receiver.got.length).toBe(log.length);
    // exactly the changes the API shows since the start, in time order
    const orders = (await walk(sim, '/orders')).rows;
    expect(summary(log)).toEqual(expectedChanges(orders, startMs));
    const times = log.map((e) => Date.parse(e.changedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(log.map((e) => e.event))).toEqual(new Set(['created', 'payed', 'deleted', 'checked', 'refunded']));

    const byId = new Map(orders.map((o) => [o.id as number, o]));
    const last = new Map<number, Received>();
    for (const r of receiver.got) {
      const h = r.headers;
      expect([h['user-agent'], h['x-model-name'], h['content-type']]).toEqual(['Qtickets-Webhooks/2.0', 'Order', 'application/json']);
      expect(h['x-signature']).toBe(sign(r.raw));
      expect(r.raw).not.toMatch(/[^\x20-\x7e]/); // PHP escaping, like the API (Q21)
      const body = r.body;
      const entry = log.find((e) => e.orderId === body.id && e.event === h['x-event-type'] && e.basketId === body.checked_basket);
      expect(entry, `${body.id} ${h['x-event-type']}`).toBeDefined();
      expect(Object.keys(body).slice(-WEBHOOK_FIELDS.length)).toEqual(WEBHOOK_FIELDS);
      expect((body.client as { details: Row }).details.telegram_user).toBeNull();
      const at = entry?.changedAt;
      switch (h['x-event-type']) {
        case 'created':
          expect([body.created_at, body.payed, body.deleted_at]).toEqual([at, false, null]);
          break;
        case 'payed':
          expect([body.payed, body.payed_at]).toEqual([true, at]);
          break;
        case 'deleted':
          expect(body.deleted_at).toBe(at);
          break;
        case 'refunded':
          expect((body.refunded_baskets as number[]).length).toBeGreaterThan(0);
          expect((body.refunds as Row[])[0]?.created_at).toBe(at);
          break;
        case 'checked': {
          const b = (body.baskets as Row[]).find((x) => x.id === body.checked_basket);
          expect(b?.checked_at).toBe(at);
        }
      }
      expect(body.updated_at).toBe(at);
      const prev = last.get(body.id as number);
      if (!prev || Date.parse(prev.body.updated_at as string) <= Date.parse(at as string)) last.set(body.id as number, r);
    }
    // the latest change of an order carries its current state, exactly as GET /orders lists it
    for (const [id, r] of last) expect(orderPart(r.body), `order ${id}`).toEqual(byId.get(id));
  });

  it('retries until HTTP 200 with n³ delays (scaled); gives up after 10 attempts; 204 is not a success', async () => {
    receiver.got.length = 0;
    const scale = 0.001;
    const sim = await start({ seed: 92, orders: 100, historyDays: 2, webhookRetryScale: scale });
    sim.setWebhooks({ url: receiver.url, secret: SECRET });
    const attempts = new Map<string, number>();
    // the first created order: always 500; every other change: 204 twice, then 200
    let doomed: unknown;
    receiver.answer = (r) => {
      const key = `${r.body.id} ${r.headers['x-event-type']} ${r.body.checked_basket}`;
      doomed ??= r.body.id;
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      if (r.body.id === doomed) return 500;
      return (attempts.get(key) as number) <= 2 ? 204 : 200;
    };
    sim.advance(3 * HOUR);
    await sim.webhooksIdle();
    receiver.answer = () => 200;
    const log = sim.webhookLog();
    const failed = log.filter((e) => e.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.orderId === doomed && e.attempts === 10 && e.lastHttpStatus === 500)).toBe(true);
    const ok = log.filter((e) => e.orderId !== doomed);
    expect(ok.length).toBeGreaterThan(5);
    expect(ok.every((e) => e.status === 'delivered' && e.attempts === 3)).toBe(true);
    // gaps between the attempts of the doomed change: ≥ n³ × scale seconds before attempt n
    const tries = receiver.got.filter((r) => r.body.id === doomed && r.headers['x-event-type'] === 'created').map((r) => r.at);
    expect(tries.length).toBe(10);
    for (let n = 2; n <= 10; n++) expect((tries[n - 1] as number) - (tries[n - 2] as number)).toBeGreaterThanOrEqual(n ** 3 * 1000 * scale - 2);
  });

  it('faults: a wrong signature, duplicate deliveries; the admin endpoint sets and clears the receiver', async () => {
    receiver.got.length = 0;
    const sim: Simulator = await start({ seed: 93, orders: 100, historyDays: 2, webhookRetryScale: 0 });
    const admin = (body: unknown) => call(`${sim.url}/__sim/webhooks`, { method: 'POST', body });
    expect((await admin({ url: 'not a url', secret: 'x' })).status).toBe(400);
    expect((await admin({ url: receiver.url, secret: SECRET })).json).toMatchObject({ url: receiver.url, secretSet: true, pending: 0 });
    receiver.answer = (r) => (r.headers['x-signature'] === sign(r.raw) ? 200 : 401);
    sim.setFaults({ webhookBadSignatureRate: 1 });
    sim.advance(HOUR);
    await sim.webhooksIdle();
    const bad = sim.webhookLog();
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((e) => e.status === 'failed' && e.attempts === 10 && e.lastHttpStatus === 401)).toBe(true);
    expect(receiver.got.every((r) => r.headers['x-signature'] !== sign(r.raw) && /^[0-9a-f]{40}$/.test(String(r.headers['x-signature'])))).toBe(true);

    sim.setFaults({ webhookBadSignatureRate: 0, webhookDuplicateRate: 1 });
    receiver.got.length = 0;
    sim.advance(HOUR);
    await sim.webhooksIdle();
    const dup = sim.webhookLog().slice(bad.length);
    expect(dup.length).toBeGreaterThan(0);
    expect(dup.every((e) => e.status === 'delivered' && e.duplicates === 1)).toBe(true);
    expect(receiver.got.length).toBe(2 * dup.length);
    const raws = receiver.got.map((r) => r.raw).sort();
    for (let i = 0; i < raws.length; i += 2) expect(raws[i]).toBe(raws[i + 1]);
    expect((await call(`${sim.url}/__sim/webhooks/log`)).json).toEqual(sim.webhookLog());

    sim.setFaults({ webhookDuplicateRate: 0 });
    expect((await admin({ url: null })).json).toMatchObject({ url: null, secretSet: false });
    const before = sim.webhookLog().length;
    sim.advance(HOUR);
    expect(sim.webhookLog().length).toBe(before);
    expect((await api(sim, '/orders')).status).toBe(200);
  });
  it('faults: the other readings of the body (DOC): wrapped in data as GET /orders/{id}, or fields missing', async () => {
    receiver.got.length = 0;
    receiver.answer = () => 200;
    const sim: Simulator = await start({ seed: 94, orders: 300, historyDays: 2, webhookRetryScale: 0 });
    sim.setWebhooks({ url: receiver.url, secret: SECRET });
    sim.setFaults({ webhookWrappedBody: true, webhookPartialBodyRate: 0.5 });
    sim.advance(6 * HOUR);
    await sim.webhooksIdle();
    expect(receiver.got.length).toBeGreaterThan(10);
    const inner = receiver.got.map((r) => r.body.data as Row);
    expect(inner.every((o) => typeof o?.id === 'number' && typeof o.updated_at === 'string')).toBe(true);
    expect(receiver.got.every((r) => Object.keys(r.body).join() === 'data' && r.headers['x-signature'] === sign(r.raw))).toBe(true);
    const partial = inner.filter((o) => !('baskets' in o));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(inner.length);
    for (const o of partial) expect(Object.keys(o).sort()).toEqual(['id', 'updated_at', ...WEBHOOK_FIELDS].sort());
    sim.setFaults({ webhookWrappedBody: false, webhookPartialBodyRate: 0 });
    sim.setWebhooks(null);
  });
});

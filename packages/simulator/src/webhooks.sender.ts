import { createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createRng, hash32, type Rng } from './random.ts';
import { formatTs } from './time.ts';
import type { WebhookConfig, WebhookLogEntry } from './types.ts';
import type { OrderChange } from './webhooks.feed.ts';

/**
 * Webhook delivery (contract §9): POST of the order with X-Event-Type, X-Model-Name: Order, X-Signature (hex
 * HMAC-SHA1 of the raw body with the secret) and User-Agent: Qtickets-Webhooks/2.0. Only HTTP 200 counts as
 * delivered. Otherwise (another status, a network error, no answer within 10 s) attempt n (n = 2…10) follows
 * n³ seconds × retryScale after attempt n − 1 failed (≈ 50 min in all at scale 1); after 10 attempts the change is
 * `failed`. Up to 4 deliveries are in flight at once, so changes of one order may arrive out of order.
 * Faults (their own PRNG): a wrong signature per attempt (webhookBadSignatureRate), a second identical delivery
 * after a success (webhookDuplicateRate).
 */

export const MAX_ATTEMPTS = 10;
const CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;
const LOG_LIMIT = 200_000;

export type SenderOptions = {
  seed: number;
  retryScale: number;
  body: (c: OrderChange) => string;
  faults: () => { webhookBadSignatureRate: number; webhookDuplicateRate: number };
};

type Delivery = { change: OrderChange; entry: WebhookLogEntry; body: string | null };

/** Wall-clock delay before attempt `n` (n ≥ 2). */
export const retryDelayMs = (n: number, scale: number): number => n ** 3 * 1000 * scale;

export class WebhookSender {
  private config: WebhookConfig | null = null;
  private readonly o: SenderOptions;
  private readonly rng: Rng;
  private readonly queue: Delivery[] = [];
  private readonly entries: WebhookLogEntry[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: CONCURRENCY }),
  };

  constructor(o: SenderOptions) {
    if (!(o.retryScale >= 0 && Number.isFinite(o.retryScale))) throw new RangeError(`webhookRetryScale must be a finite number >= 0, got ${o.retryScale}`);
    this.o = o;
    this.rng = createRng(hash32(o.seed, 0x3ebb00c));
  }

  setConfig(c: WebhookConfig | null): void {
    if (c !== null) {
      const url = new URL(c.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`webhook url must be http(s), got ${c.url}`);
      if (typeof c.secret !== 'string') throw new RangeError('webhook secret must be a string');
    }
    this.config = c === null ? null : { url: c.url, secret: c.secret };
  }

  getConfig(): WebhookConfig | null {
    return this.config ? { ...this.config } : null;
  }

  /** Queues the changes just applied by the clock (never waits for the network). */
  enqueue(changes: OrderChange[], changedAtWall: number): void {
    for (const change of changes) {
      const entry: WebhookLogEntry = {
        orderId: change.order.id,
        event: change.event,
        basketId: change.basket?.id ?? null,
        changedAt: formatTs(change.at),
        changedAtWall,
        deliveredAtWall: null,
        attempts: 0,
        status: 'pending',
        lastHttpStatus: null,
        duplicates: 0,
      };
      this.entries.push(entry);
      this.queue.push({ change, entry, body: null });
    }
    if (this.entries.length > LOG_LIMIT) this.entries.splice(0, this.entries.length - LOG_LIMIT);
    this.pump();
  }

  log(): WebhookLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.settle(true);
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.timers.size === 0;
  }

  private settle(force = false): void {
    if (!force && !this.isIdle()) return;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private pump(): void {
    while (!this.closed && this.inFlight < CONCURRENCY && this.queue.length > 0) {
      const d = this.queue.shift() as Delivery;
      this.inFlight++;
      this.attempt(d).finally(() => {
        this.inFlight--;
        this.pump();
        this.settle();
      });
    }
  }

  private async attempt(d: Delivery): Promise<void> {
    const config = this.config;
    if (!config) {
      d.entry.status = 'failed';
      return;
    }
    d.body ??= this.o.body(d.change);
    const faults = this.o.faults();
    const badSignature = this.rng.next() < faults.webhookBadSignatureRate;
    d.entry.attempts++;
    const status = await this.post(config, d.change.event, d.body, badSignature);
    if (this.closed) return;
    d.entry.lastHttpStatus = status;
    if (status === 200) {
      d.entry.status = 'delivered';
      d.entry.deliveredAtWall = Date.now();
      if (this.rng.next() < faults.webhookDuplicateRate) {
        d.entry.duplicates++;
        await this.post(config, d.change.event, d.body, badSignature);
      }
      return;
    }
    if (d.entry.attempts >= MAX_ATTEMPTS) {
      d.entry.status = 'failed';
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.queue.push(d);
        this.pump();
      },
      retryDelayMs(d.entry.attempts + 1, this.o.retryScale),
    );
    this.timers.add(timer);
  }

  /** One POST; resolves to the HTTP status, 0 when there was no answer. */
  private post(config: WebhookConfig, event: string, body: string, badSignature: boolean): Promise<number> {
    const url = new URL(config.url);
    const https = url.protocol === 'https:';
    const key = badSignature ? `${config.secret}#wrong` : config.secret;
    const payload = Buffer.from(body, 'utf8');
    const headers = {
      'Content-Type': 'application/json',
      'Content-Length': String(payload.length),
      'User-Agent': 'Qtickets-Webhooks/2.0',
      'X-Event-Type': event,
      'X-Model-Name': 'Order',
      'X-Signature': createHmac('sha1', key).update(payload).digest('hex'),
    };
    return new Promise((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method: 'POST', headers, agent: https ? this.agents.https : this.agents.http, timeout: TIMEOUT_MS },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(0));
      req.end(payload);
    });
  }
}

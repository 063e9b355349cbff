import { createServer, type Server } from 'node:http';
import { changeToRow as rowsOf } from '@qtp/embedded';
import { startWebhookReceiver, type WebhookReceiver } from '@qtp/pipeline';
import { PipelineMetrics, WebhookMetrics } from '@qtp/shared';
import type { WebhookLogEntry } from '@qtp/simulator';
import { sample } from '@qtp/testing';
import { type Harness, PII_SALT } from './pipeline-harness.ts';

export const SECRET = 'e2e-webhook-secret-0123456789';

export type TestReceiver = WebhookReceiver & {
  /** qtp_webhook_deliveries_total for one outcome (all events), from the receiver's registry. */
  outcomes: (outcome: string) => Promise<number>;
  metricsText: () => Promise<string>;
};

/** The receiver in-process on the harness's Redis and ClickHouse, with its metrics on a registry of its own. */
export async function startReceiver(h: Harness, refetchRetry = { attempts: 8, backoffMs: 500 }): Promise<TestReceiver> {
  const registry = new PipelineMetrics({ service: 'webhooks', log: h.log, defaultMetrics: false });
  const metrics = new WebhookMetrics(registry.registry, ['deliveries']);
  const receiver = await startWebhookReceiver({
    secret: SECRET,
    piiSalt: PII_SALT,
    redis: h.r.redis,
    prefix: h.r.prefix,
    clickhouse: h.ch.client,
    refetchRetry,
    log: h.log,
    host: '127.0.0.1',
    port: 0,
    onOutcome: (event, outcome, n) => metrics.delivery(event, outcome, n),
  });
  const metricsText = () => registry.metrics();
  const outcomes = async (outcome: string) => {
    const text = await metricsText();
    let n = 0;
    for (const event of ['created', 'updated', 'payed', 'deleted', 'refunded', 'checked', 'other'])
      n += sample(text, 'qtp_webhook_deliveries_total', { event, outcome }) ?? 0;
    return n;
  };
  return {
    ...receiver,
    outcomes,
    metricsText,
    close: async () => {
      await receiver.close();
      await registry.close();
    },
  };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;
export const percentiles = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) });

/** Per change, ms from the simulator applying it to its row readable in ClickHouse; fails naming what is missing. */
export async function changeToRow(h: Harness, changes: WebhookLogEntry[], timeoutMs: number): Promise<number[]> {
  const { latencies, missing } = await rowsOf(h.ch.client, changes, { timeoutMs, pollMs: 100 });
  if (missing.length > 0) throw new Error(`${missing.length} changes not in ClickHouse within ${timeoutMs} ms, e.g. ${JSON.stringify(missing.slice(0, 5))}`);
  return latencies;
}

/** GET /orders/:id requests the simulator answered (its request counter, every status). */
export function orderRequests(h: Harness): number {
  const e = h.sim.requests().byEndpoint['GET /orders/:id'] ?? {};
  return Object.values(e).reduce((n, v) => n + v, 0);
}

/** A pass-through in front of the receiver that keeps every delivery (body and headers), to replay one later. */
export async function recordingProxy(
  target: string,
): Promise<{ url: string; deliveries: Array<{ body: Buffer; headers: Record<string, string> }>; close: () => Promise<void> }> {
  const deliveries: Array<{ body: Buffer; headers: Record<string, string> }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const k of ['content-type', 'x-event-type', 'x-model-name', 'x-signature', 'user-agent']) {
        const v = req.headers[k];
        if (typeof v === 'string') headers[k] = v;
      }
      deliveries.push({ body, headers });
      fetch(target, { method: 'POST', body, headers }).then(
        async (r) => res.writeHead(r.status).end(await r.text()),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}/`, deliveries, close: () => new Promise((r) => server.close(() => r())) };
}

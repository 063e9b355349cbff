import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ClickHouseClient, createQueue, type Logger, type WebhookOutcome, withTimeout } from '@qtp/shared';
import type { Redis } from 'ioredis';
import { fetchJob } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { STREAM_DEFINITIONS } from '../streams/registry.ts';
import type { StreamDefinition } from '../streams/stream.ts';
import { ChangeBuffer } from './change-buffer.ts';
import { changeOfDelivery } from './webhook-body.ts';
import { WebhookDrain } from './webhook-drain.ts';
import { validSignature } from './webhook-signature.ts';

export type WebhookHandlerOptions = {
  secret: string;
  /** PII_HASH_SALT: the receiver drops a body's PII at the same allow-list as the fetcher. */
  piiSalt: string;
  buffer: ChangeBuffer;
  log: Logger;
  /** Called once the change is buffered (the drainer takes it from there). */
  onBuffered?: () => void;
  onOutcome?: (event: string, outcome: WebhookOutcome, n: number) => void;
  /** Largest body accepted (an order with its baskets is a few kB). */
  maxBodyBytes?: number;
  /** How long buffering may take before the answer is 503 (Redis commands wait for a reconnect otherwise). */
  bufferTimeoutMs?: number;
  now?: () => number;
};

/** The streams whose records are pushed, by `X-Model-Name` (orders: `Order`). */
const pushed = (): StreamDefinition[] => STREAM_DEFINITIONS.filter((s) => s.webhook !== undefined);

function streamFor(model: string | undefined): StreamDefinition | undefined {
  const streams = pushed();
  return model === undefined ? streams[0] : streams.find((s) => s.webhook?.model === model);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Receives QTickets webhooks (contract §9): checks `X-Signature`, answers 401 to a bad or missing one (the body is
 * never logged or stored: it holds personal data), then reads the record out of the body and drops its PII at the
 * stream's allow-list. The change (record id, version, the sanitized record) goes into the change buffer in Redis;
 * the answer is 200 once it is there, 503 when Redis is not (the vendor retries exactly then). The drainer validates
 * buffered changes in batches and turns them into jobs (webhook-drain.ts): little work stands between a delivery and
 * its answer, so a burst is taken in as fast as the vendor sends it.
 */
export function createWebhookHandler(o: WebhookHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const max = o.maxBodyBytes ?? 1_048_576;
  return async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, 'ok');
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const body = await readBody(req, max);
    if (body === null) return reply(res, 413, 'body too large');
    const event = header(req, 'x-event-type') ?? '';
    if (!validSignature(body, header(req, 'x-signature'), o.secret)) {
      o.onOutcome?.(event, 'refused', 1);
      o.log.warn({ event, bytes: body.length }, 'webhook refused: bad or missing signature');
      return reply(res, 401, 'bad signature');
    }
    const stream = streamFor(header(req, 'x-model-name'));
    if (!stream) return reply(res, 200, 'ignored');
    const receivedAtMs = o.now?.() ?? Date.now();
    const change = changeOfDelivery(stream, body, { event, piiSalt: o.piiSalt, receivedAtMs });
    if (!change) {
      o.log.warn({ event, bytes: body.length }, 'webhook without a usable record id: ignored');
      return reply(res, 200, 'ignored');
    }
    try {
      // Should Redis take it after the timeout after all, the vendor's retry is a duplicate, and is dropped as one.
      await withTimeout(o.buffer.add(change), o.bufferTimeoutMs ?? 5_000, 'buffering a webhook change');
    } catch (err) {
      o.onOutcome?.(event, 'failed', 1);
      o.log.error({ err: (err as Error).message }, 'webhook could not be queued (Redis?): answered 503, the vendor retries');
      return reply(res, 503, 'try again');
    }
    reply(res, 200, 'ok');
    o.onBuffered?.();
  };
}

export type WebhookReceiverOptions = {
  secret: string;
  piiSalt: string;
  redis: Redis;
  prefix: string;
  clickhouse: ClickHouseClient;
  /** FETCH_ATTEMPTS / FETCH_BACKOFF_MS for the refetches. */
  refetchRetry: { attempts: number; backoffMs: number };
  log: Logger;
  host: string;
  port: number;
  onOutcome?: (event: string, outcome: WebhookOutcome, n: number) => void;
  maxBodyBytes?: number;
  bufferTimeoutMs?: number;
};

export type WebhookReceiver = { server: Server; url: string; buffer: ChangeBuffer; drain: WebhookDrain; close: () => Promise<void> };

/** The HTTP receiver with its change buffer and drainer (apps/webhooks; the tests and the bench start it in-process). */
export function startWebhookReceiver(o: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const buffer = new ChangeBuffer(o.redis, o.prefix);
  const transformQueue = createQueue(transformJob, o.redis, o.prefix);
  const fetchQueue = createQueue(fetchJob, o.redis, o.prefix);
  const drain = new WebhookDrain({
    buffer,
    redis: o.redis,
    prefix: o.prefix,
    clickhouse: o.clickhouse,
    transformQueue,
    fetchQueue,
    refetchRetry: o.refetchRetry,
    log: o.log,
    ...(o.onOutcome ? { onOutcome: o.onOutcome } : {}),
  });
  const handler = createWebhookHandler({
    secret: o.secret,
    piiSalt: o.piiSalt,
    buffer,
    log: o.log,
    onBuffered: () => drain.nudge(),
    ...(o.onOutcome ? { onOutcome: o.onOutcome } : {}),
    ...(o.maxBodyBytes ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.bufferTimeoutMs ? { bufferTimeoutMs: o.bufferTimeoutMs } : {}),
  });
  const server = createServer((req, res) => {
    handler(req, res).catch((err: Error) => {
      o.log.error({ err: err.message }, 'webhook handler failed');
      if (!res.headersSent) reply(res, 500, 'error');
    });
  });
  const close = async () => {
    await new Promise((r) => server.close(r));
    await drain.stop();
    await Promise.all([transformQueue.close(), fetchQueue.close()]);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      drain.start();
      resolve({ server, url: `http://${o.host}:${port}/`, buffer, drain, close });
    });
  });
}

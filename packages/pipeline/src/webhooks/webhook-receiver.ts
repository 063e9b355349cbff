import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { enqueue, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import { fetchJob } from '../jobs/fetch.job.ts';
import { orderRef, validSignature } from './webhook-signature.ts';

export type WebhookReceiverOptions = {
  secret: string;
  fetchQueue: Queue;
  log: Logger;
  /** Largest body accepted (an order with its baskets is a few kB). */
  maxBodyBytes?: number;
  now?: () => Date;
};

/** Refetches of one Moscow-agnostic UTC day share a bookkeeping key (it expires with the run records, after 7 days). */
export const webhookRunId = (at: Date) => `orders-webhook-${at.toISOString().slice(0, 10).replace(/-/g, '')}`;

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

/**
 * Receives QTickets webhooks (contract §9): checks `X-Signature`, answers 401 to a bad or missing one (the body is
 * never logged or stored: it holds personal data), and turns a good one into a refetch of that order by id through
 * the normal stages. The job id holds the order id and its updated_at, so the vendor's retries and duplicate bursts
 * of one change are a single refetch. Answers 200 as soon as the job is in Redis; 503 when Redis is not there (the
 * vendor retries then).
 */
export function createWebhookHandler(o: WebhookReceiverOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const max = o.maxBodyBytes ?? 1_048_576;
  return async (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, 'ok');
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const body = await readBody(req, max);
    if (body === null) return reply(res, 413, 'body too large');
    const signature = req.headers['x-signature'];
    if (!validSignature(body, Array.isArray(signature) ? signature[0] : signature, o.secret)) {
      o.log.warn({ event: req.headers['x-event-type'], bytes: body.length }, 'webhook refused: bad or missing signature');
      return reply(res, 401, 'bad signature');
    }
    const model = req.headers['x-model-name'];
    if (model !== undefined && model !== 'Order') return reply(res, 200, 'ignored');
    const ref = orderRef(body);
    if (!ref) {
      o.log.warn({ event: req.headers['x-event-type'], bytes: body.length }, 'webhook without a usable order id: ignored');
      return reply(res, 200, 'ignored');
    }
    try {
      const runId = webhookRunId(o.now?.() ?? new Date());
      const jobId = await enqueue(o.fetchQueue, fetchJob, {
        kind: 'item',
        runId,
        stream: 'orders',
        key: `o${ref.orderId}-${ref.version}`,
        parent: { order_id: ref.orderId },
      });
      o.log.debug({ orderId: ref.orderId, event: req.headers['x-event-type'], jobId }, 'order refetch enqueued');
      reply(res, 200, 'ok');
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'webhook could not be queued (Redis?): answered 503, the vendor retries');
      reply(res, 503, 'try again');
    }
  };
}

export function startWebhookReceiver(o: WebhookReceiverOptions & { host: string; port: number }): Promise<{ server: Server; url: string }> {
  const handler = createWebhookHandler(o);
  const server = createServer((req, res) => {
    handler(req, res).catch((err: Error) => {
      o.log.error({ err: err.message }, 'webhook handler failed');
      if (!res.headersSent) reply(res, 500, 'error');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : o.port;
      resolve({ server, url: `http://${o.host}:${port}/` });
    });
  });
}

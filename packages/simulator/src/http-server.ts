import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Reply } from './http-response.ts';
import type { RequestLogEntry } from './types.ts';

/** node:http plumbing: body reading, parameter merging, the response headers of contract §8.2, a request log. */

const gzipAsync = promisify(gzip);
const MAX_BODY = 1 << 20;
const LOG_SIZE = 2000;

export type SimRequest = {
  method: string;
  path: string;
  /** Raw query-string values (last one wins). */
  query: Record<string, string>;
  /** All query values per key (for PHP-style `filter[id][]=`). */
  queryAll: URLSearchParams;
  /** The JSON body, if one was sent and parsed (GET bodies included — the vendor's encoding A). */
  body: unknown;
  headers: IncomingMessage['headers'];
};

/** What a handler decides: a reply, or drop the connection (fault `resetRate`). */
export type Outcome = { reply: Reply; delayMs?: number } | { reset: true; delayMs?: number };

export type Handler = (req: SimRequest) => Outcome | Promise<Outcome>;

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];

  add(e: RequestLogEntry): void {
    this.entries.push(e);
    if (this.entries.length > LOG_SIZE) this.entries.splice(0, this.entries.length - LOG_SIZE);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}

/**
 * Benchmarks only: 200 replies to API GETs kept by request (path, query, body, gzip), served again without rendering,
 * so that a load measures the pipeline rather than the simulator. Valid only while the clock is frozen and faults are off.
 */
export type ReplyCache = Map<string, { status: number; headers: Record<string, string>; payload: Buffer }>;

export async function listen(
  handler: Handler,
  log: RequestLog,
  port: number,
  host: string,
  gzipWhenAsked = true,
  cache: ReplyCache | null = null,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    serve(handler, log, req, res, gzipWhenAsked, cache).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: String(err), status: 500, code: 'UNKNOWN_ERROR', info: [] }));
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { server, url: `http://${h}:${addr.port}` };
}

async function serve(
  handler: Handler,
  log: RequestLog,
  req: IncomingMessage,
  res: ServerResponse,
  gzipWhenAsked: boolean,
  cache: ReplyCache | null,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const raw = await readBody(req);
  const wantsGzip = gzipWhenAsked && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const cacheKey = cache && req.method === 'GET' && !url.pathname.startsWith('/__sim/') ? `${url.pathname}?${url.search}|${raw}|${wantsGzip}` : null;
  const cached = cacheKey ? cache?.get(cacheKey) : undefined;
  if (cached) {
    res.writeHead(cached.status, cached.headers);
    res.write(cached.payload);
    res.end();
    return;
  }
  let body: unknown;
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined; // a body that is not JSON is ignored, like an empty input
    }
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const sreq: SimRequest = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query, queryAll: url.searchParams, body, headers: req.headers };
  const outcome = await handler(sreq);
  if (outcome.delayMs) await sleep(outcome.delayMs);
  const entry: RequestLogEntry = { method: sreq.method, path: sreq.path, status: 0 };
  if (body !== undefined) entry.body = body;
  if (Object.keys(query).length > 0) entry.query = query;
  if ('reset' in outcome) {
    log.add(entry);
    req.socket.destroy();
    return;
  }
  const { reply } = outcome;
  entry.status = reply.status;
  log.add(entry);
  const headers: Record<string, string> = {
    Server: 'nginx/1.14.1',
    'Content-Type': reply.contentType,
    'Cache-Control': 'no-cache, private',
    'Strict-Transport-Security': 'max-age=31536000',
    ...reply.headers,
  };
  if (reply.status === 200) {
    headers.Vary = 'Accept-Encoding';
    headers['X-Cache-Status'] = 'MISS';
  }
  let payload: Buffer = Buffer.from(reply.body, 'utf8');
  if (wantsGzip && payload.length > 256) {
    payload = await gzipAsync(payload, { level: 1 });
    headers['Content-Encoding'] = 'gzip';
  }
  if (cacheKey && reply.status === 200) cache?.set(cacheKey, { status: reply.status, headers, payload });
  res.writeHead(reply.status, headers);
  // write + end (no Content-Length): chunked transfer encoding, like the real nginx
  if (sreq.method !== 'HEAD') res.write(payload);
  res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A real node:http server on 127.0.0.1:0 that records requests and answers from a script (no mocks of got). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path + query as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
};

export type Reply = { status?: number; headers?: Record<string, string>; body?: string; json?: unknown; destroy?: boolean; delayMs?: number };

export type Handler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export type TestServer = {
  url: string;
  requests: RecordedRequest[];
  setHandler(handler: Handler): void;
  close(): Promise<void>;
};

export async function startTestServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      // `new Promise` also turns a handler's synchronous throw into a 599 reply (thrown in this listener, it left the request hanging).
      new Promise<Reply>((resolve) => resolve(current(recorded, requests.length - 1)))
        .catch((error: unknown): Reply => {
          // A throwing handler is a broken test (e.g. a missing fixture): besides the 599, report it as an uncaught
          // error, so the run fails naming the cause even when the client retries or wraps the 599.
          setImmediate(() => {
            throw error;
          });
          return { status: 599, headers: { 'content-type': 'text/plain' }, body: `test server handler failed: ${String(error)}` };
        })
        .then(async (reply) => {
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          if (reply.destroy) {
            req.socket.destroy();
            return;
          }
          const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.body ?? '');
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(body);
        })
        .catch((error: unknown) => {
          res.writeHead(599, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/rest/v1`,
    requests,
    setHandler(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Strips the base path so handlers can match on `/orders`, `/orders/1`… */
export function route(request: RecordedRequest): string {
  return request.path.replace(/^\/api\/rest\/v1/, '').replace(/^\/api\/partners\/v1/, '');
}

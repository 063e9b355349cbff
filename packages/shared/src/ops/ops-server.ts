import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { ClickHouseClient } from '../connections/clickhouse.ts';
import type { Logger } from '../logging/logger.ts';
import type { PipelineMetrics } from './metrics.ts';
import { withTimeout } from './timeout.ts';

/** One dependency the process needs: resolves when reachable, rejects (or times out) when not. */
export type ReadinessCheck = { name: string; check: (signal: AbortSignal) => Promise<void> };

export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => {
      // Not ready: fail at once instead of queueing a PING in ioredis' offline queue.
      if (redis.status !== 'ready') throw new Error(`connection ${redis.status}`);
      await redis.ping();
    },
  };
}

export function clickhouseCheck(clickhouse: ClickHouseClient): ReadinessCheck {
  return {
    name: 'clickhouse',
    check: async (signal) => {
      // A SELECT (not /ping): it also proves the credentials and the database.
      const res = await clickhouse.ping({ select: true, abort_signal: signal });
      if (!res.success) throw res.error;
    },
  };
}

export type OpsServerOptions = {
  host: string;
  /** 0: a free port. */
  port: number;
  log: Logger;
  checks: ReadinessCheck[];
  metrics?: PipelineMetrics;
  /** Per readiness check. Default 2 s. */
  checkTimeoutMs?: number;
};

export type OpsServer = {
  url: string;
  port: number;
  /** Readiness fails from now on (shutdown started); liveness and metrics still answer. */
  drain: () => void;
  close: () => Promise<void>;
};

export type Readiness = { ready: boolean; checks: Record<string, string> };

/** Runs every check in parallel, each bounded by `timeoutMs`. */
export async function checkReadiness(checks: ReadinessCheck[], timeoutMs: number): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const ac = new AbortController();
      try {
        await withTimeout(c.check(ac.signal), timeoutMs, c.name);
        return [c.name, 'ok'] as const;
      } catch (err) {
        ac.abort();
        const e = err as NodeJS.ErrnoException;
        return [c.name, e?.code && !String(e.message).includes(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? err)] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r === 'ok'), checks: Object.fromEntries(results) };
}

/**
 * The ops endpoints of a long-running process, on their own port: `GET /healthz` (the process is alive: always 200),
 * `GET /readyz` (200 when every dependency the process uses answers within the timeout, else 503, JSON either way),
 * `GET /metrics` (Prometheus text). No authentication: bind it to a private address (METRICS_HOST, default 127.0.0.1).
 */
export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const timeoutMs = o.checkTimeoutMs ?? 2_000;
  let draining = false;
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz') {
      const r = draining ? { ready: false, checks: { process: 'shutting down' } } : await checkReadiness(o.checks, timeoutMs);
      if (!r.ready) o.log.debug({ checks: r.checks }, 'not ready');
      return send(res, r.ready ? 200 : 503, 'application/json', `${JSON.stringify({ status: r.ready ? 'ready' : 'not ready', checks: r.checks })}\n`);
    }
    if (path === '/metrics' && o.metrics) return send(res, 200, o.metrics.contentType, await o.metrics.metrics());
    return send(res, 404, 'text/plain', 'not found (try /healthz, /readyz, /metrics)\n');
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log.error({ err }, 'ops endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`ops server cannot listen on ${o.host}:${o.port} (METRICS_HOST / METRICS_PORT): ${err.code ?? err.message}`)),
    );
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  o.log.info({ url, endpoints: ['/healthz', '/readyz', '/metrics'] }, 'ops server listening');
  return {
    url,
    port,
    drain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

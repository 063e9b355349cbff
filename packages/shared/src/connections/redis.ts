import { type RedisOptions as IORedisOptions, Redis } from 'ioredis';
import type { RedisTarget } from '../config/common.schema.ts';
import { createLogger, type Logger } from '../logging/logger.ts';

export type RedisConnection = Redis;

export type RedisOptions = {
  /** Where connection errors go (JSON, redacted). Without one, a `redis` logger at warn level. */
  log?: Logger;
  /**
   * Level of connection-error lines. Long-running processes keep `warn`; CLIs that report an unreachable Redis
   * themselves, in one line, pass `debug`.
   */
  errorLevel?: 'warn' | 'debug';
};

/** The same message again within this window is counted, not logged (ioredis retries every ~2 s while down). */
const REPEAT_WINDOW_MS = 30_000;

const reporters = new WeakMap<Redis, (err: Error, source: string) => void>();
let fallbackLog: Logger | undefined;

/**
 * Routes a connection's errors through the JSON logger: without a listener ioredis prints "[ioredis] Unhandled
 * error event" with a stack to stderr, and BullMQ queues re-emit the same error to console.error. One line per
 * distinct message, repeats folded into a count, and one line when the connection is back.
 */
function attachErrorLogging(redis: Redis, connectionName: string, options: RedisOptions): (err: Error, source: string) => void {
  fallbackLog ??= options.log ? undefined : createLogger({ name: 'redis', level: 'warn' });
  const log = (options.log ?? (fallbackLog as Logger)).child({ redis: connectionName });
  const level = options.errorLevel ?? 'warn';
  let last = '';
  let lastAt = 0;
  let repeated = 0;
  let failing = false;
  const report = (err: Error, source: string) => {
    const message = err?.message ?? String(err);
    const now = Date.now();
    failing = true;
    if (message === last && now - lastAt < REPEAT_WINDOW_MS) {
      repeated += 1;
      return;
    }
    log[level]({ source, err: { message, code: (err as NodeJS.ErrnoException)?.code }, ...(repeated ? { repeated } : {}) }, 'redis error');
    last = message;
    lastAt = now;
    repeated = 0;
  };
  redis.on('error', (err: Error) => report(err, 'connection'));
  redis.on('ready', () => {
    if (!failing) return;
    failing = false;
    last = '';
    repeated = 0;
    log.info('redis connection restored');
  });
  reporters.set(redis, report);
  return report;
}

/** `host:port` pairs of REDIS_SENTINELS. */
export function parseSentinels(list: string): Array<{ host: string; port: number }> {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
    });
}

/**
 * An ioredis connection as BullMQ wants it (`maxRetriesPerRequest: null`), its errors logged through `log`: to
 * REDIS_URL, or (REDIS_SENTINELS set) to the master the Sentinels name, following it when they fail over (the
 * connection drops, asks the Sentinels again and resends what was queued; a master demoted to replica is left on
 * READONLY). Whoever creates one closes it (see lifecycle/shutdown.ts); an open connection keeps a process alive.
 */
export function createRedis(target: string | RedisTarget, connectionName: string, options: RedisOptions = {}): Redis {
  const t: RedisTarget = typeof target === 'string' ? { REDIS_URL: target } : target;
  const common: IORedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName, lazyConnect: false };
  let redis: Redis;
  if (t.REDIS_SENTINELS) {
    redis = new Redis({
      ...common,
      sentinels: parseSentinels(t.REDIS_SENTINELS),
      name: t.REDIS_SENTINEL_NAME ?? 'mymaster',
      ...(t.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: t.REDIS_SENTINEL_PASSWORD } : {}),
      ...(t.REDIS_PASSWORD ? { password: t.REDIS_PASSWORD } : {}),
      // No `failoverDetector`: its disconnect on +switch-master can land in the middle of a reconnect, and a failed
      // connect leaves an ioredis connection ended for good ("Connection is closed."). A dead master's connections
      // drop by themselves and ask the Sentinels again; a demoted one answers READONLY (below).
      // A connection that reached the old master after it came back as a replica: reconnect and resend.
      reconnectOnError: (err) => (/^READONLY/.test(err.message) ? 2 : false),
    });
  } else if (t.REDIS_URL) {
    redis = new Redis(t.REDIS_URL, { ...common, ...(t.REDIS_PASSWORD && !new URL(t.REDIS_URL).password ? { password: t.REDIS_PASSWORD } : {}) });
  } else {
    throw new Error('REDIS_URL or REDIS_SENTINELS must be set');
  }
  attachErrorLogging(redis, connectionName, options);
  return redis;
}

/** A second connection to the same server (a BullMQ worker blocks on its own), its errors reported like the first's. */
export function duplicateRedis(redis: Redis): Redis {
  const copy = redis.duplicate();
  const report = reporters.get(redis);
  if (report) {
    reporters.set(copy, report);
    copy.on('error', (err: Error) => report(err, 'connection'));
  }
  return copy;
}

/**
 * Reports an error that came from (or through) a connection — e.g. a BullMQ queue or worker re-emitting it — with
 * the connection's own folding of repeats (a connection not made here gets a reporter on first use).
 */
export function reportRedisError(redis: Redis, err: Error, source: string): void {
  const report = reporters.get(redis) ?? attachErrorLogging(redis, redis.options.connectionName || 'redis', {});
  report(err, source);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** A lost or refused connection (as opposed to an error of a command or of BullMQ's own bookkeeping). */
export function isConnectionError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return (
    !!e && ((e.code !== undefined && CONNECTION_CODES.has(e.code)) || /Connection is closed|connect ETIMEDOUT|Stream isn't writeable/i.test(e.message ?? ''))
  );
}

/**
 * `host:port` of a redis:// URL, without credentials (for one-line error messages); under Sentinel
 * `master <name> via Sentinel <host:port,...>`.
 */
export function redisAddress(target: string | RedisTarget): string {
  const t: RedisTarget = typeof target === 'string' ? { REDIS_URL: target } : target;
  if (t.REDIS_SENTINELS)
    return `master ${t.REDIS_SENTINEL_NAME ?? 'mymaster'} via Sentinel ${parseSentinels(t.REDIS_SENTINELS)
      .map((a) => `${a.host}:${a.port}`)
      .join(',')}`;
  try {
    const u = new URL(t.REDIS_URL ?? '');
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

/**
 * Waits until the connection is ready, at most `timeoutMs`; rejects with one plain line naming the server and the
 * last connection error (BullMQ commands would otherwise wait forever: `maxRetriesPerRequest: null`). A CLI passes
 * `refusedForMs` to stop early when the server keeps refusing connections (nothing listening) rather than waiting
 * out its whole timeout.
 */
export function redisReady(redis: Redis, timeoutMs: number, address = 'Redis', options: { refusedForMs?: number } = {}): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    let refusedSince = 0;
    const onError = (err: Error) => {
      lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      // Nothing listens there: with `refusedForMs`, give up once every attempt for that long was refused.
      if (lastError !== 'ECONNREFUSED') refusedSince = 0;
      else if (!refusedSince) refusedSince = Date.now();
      else if (options.refusedForMs !== undefined && Date.now() - refusedSince >= options.refusedForMs)
        done(new Error(`${address} refused the connection (ECONNREFUSED): is Redis running there?`));
    };
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error(`${address} not reachable within ${formatMs(timeoutMs)}${lastError ? ` (${lastError})` : ''}`)), timeoutMs);
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

export const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  // QUIT is a command: on a connection that never came up it would wait in the offline queue forever.
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

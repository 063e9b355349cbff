import { Redis } from 'ioredis';
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

/**
 * An ioredis connection as BullMQ wants it (`maxRetriesPerRequest: null`), its errors logged through `log`.
 * Whoever creates one closes it (see lifecycle/shutdown.ts); an open connection keeps a process, or a test run, alive.
 */
export function createRedis(url: string, connectionName: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName,
    lazyConnect: false,
  });
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

/** `host:port` of a redis:// URL, without credentials (for one-line error messages). */
export function redisAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

/**
 * Waits until the connection is ready, at most `timeoutMs`; rejects with one plain line naming the server and the
 * last connection error (BullMQ commands would otherwise wait forever: `maxRetriesPerRequest: null`).
 */
export function redisReady(redis: Redis, timeoutMs: number, address = 'Redis'): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = (err as NodeJS.ErrnoException).code ?? err.message;
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

import { Redis } from 'ioredis';

export type RedisConnection = Redis;

/**
 * An ioredis connection as BullMQ wants it (`maxRetriesPerRequest: null`). Whoever creates one closes it
 * (see lifecycle/shutdown.ts); an open connection keeps a process, or a test run, alive.
 */
export function createRedis(url: string, connectionName: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName,
    lazyConnect: false,
  });
}

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

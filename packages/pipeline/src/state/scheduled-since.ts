import type { Redis } from 'ioredis';

/**
 * When the scheduler first registered each stream's job schedulers, in Redis:
 *
 *   <prefix>:scheduled-since    hash: stream -> ISO instant (set once, HSETNX; removed while the stream is off)
 *
 * Freshness counts from here for a stream that never succeeded: it is stale only once its threshold has passed since
 * its first scheduled run was due (the first fire of its schedule after this instant), never merely for not having run
 * yet (a fresh deployment, an hourly refresh whose hour has not come). Lost with Redis: the count starts again.
 */
export class ScheduledSince {
  readonly #redis: Redis;
  readonly #key: string;
  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = `${prefix}:scheduled-since`;
  }

  /** Records `at` for the stream unless it was recorded before. */
  async record(stream: string, at: Date): Promise<void> {
    await this.#redis.hsetnx(this.#key, stream, at.toISOString());
  }

  /** The stream is off: its count starts again when it is switched back on. */
  async forget(stream: string): Promise<void> {
    await this.#redis.hdel(this.#key, stream);
  }

  /** stream -> when it was first scheduled. */
  async all(): Promise<Record<string, string>> {
    return await this.#redis.hgetall(this.#key);
  }
}

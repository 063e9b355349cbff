import { z } from 'zod';

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const intFromEnv = (min: number, max: number) =>
  z.coerce.number().int('must be a whole number').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);

export const urlFromEnv = z.url({ message: 'must be a URL such as http://127.0.0.1:8123' });

export const logEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default(process.stdout.isTTY ? 'pretty' : 'json'),
};

/**
 * One Redis endpoint (REDIS_URL) or a master found through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): one of
 * the two is required (parseConfig checks it, see REQUIRED_ONE_OF); with both set, Sentinel is used. Redis Cluster
 * is not supported (BullMQ's keys of one queue would need hash tags; docs/deploy.md).
 */
export const redisEnv = {
  REDIS_URL: z
    .url({ message: 'must be a redis:// URL' })
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
    .optional(),
  REDIS_SENTINELS: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, 'must be host:port[,host:port...] of the Sentinels')
    .optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, ., - and _ only')
    .default('mymaster'),
  /** The Sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** The master's (and replicas') password under Sentinel; with REDIS_URL, a password in the URL wins. */
  REDIS_PASSWORD: z.string().optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'may contain letters, digits, - and _ only')
    .default('qtp'),
};

/** Groups of settings of which at least one must be set (reported under the first name). */
export const REQUIRED_ONE_OF: ReadonlyArray<readonly [string, ...string[]]> = [['REDIS_URL', 'REDIS_SENTINELS']];

/** Where a process finds Redis: the settings of redisEnv. */
export type RedisTarget = {
  REDIS_URL?: string | undefined;
  REDIS_SENTINELS?: string | undefined;
  REDIS_SENTINEL_NAME?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
};

export const clickhouseEnv = {
  CLICKHOUSE_URL: urlFromEnv,
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(identifier, 'must be a plain identifier (letters, digits, _)').default('qtickets'),
  CLICKHOUSE_CLUSTER: z.string().regex(identifier, 'must be a plain identifier (letters, digits, _)').optional(),
};

export type ClickHouseSettings = {
  CLICKHOUSE_URL: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE: string;
  CLICKHOUSE_CLUSTER?: string | undefined;
};

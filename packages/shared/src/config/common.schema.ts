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

export const redisEnv = {
  REDIS_URL: z.url({ message: 'must be a redis:// URL' }).refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'may contain letters, digits, - and _ only')
    .default('qtp'),
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

import { boolFromEnv, clickhouseEnv, intFromEnv, logEnv, redisEnv } from '@qtp/shared';
import { z } from 'zod';
import { STREAM_DEFINITIONS } from '../streams/registry.ts';
import { cronSetting, durationSetting } from './settings.ts';

/** Per stream: a cron setting for each of its job schedulers, plus the stream's own scheduler settings. */
const streamSettings = Object.assign(
  {},
  ...STREAM_DEFINITIONS.flatMap((s) => [...s.schedules.map((sc) => ({ [sc.env]: cronSetting.default(sc.pattern) })), s.settings ?? {}]),
) as Record<string, z.ZodType>;

export const schedulerEnv = z.object({
  ...logEnv,
  ...redisEnv,
  ...clickhouseEnv,
  ...streamSettings,
  SCHEDULE_TZ: z.string().default('Europe/Moscow'),
  RUN_TIMEOUT: durationSetting.default(2 * 3_600_000),
});

export const fetcherEnv = z.object({
  ...logEnv,
  ...redisEnv,
  QTICKETS_BASE_URL: z.url({ message: 'must be a URL such as https://qtickets.ru/api/rest/v1' }).default('https://qtickets.ru/api/rest/v1'),
  QTICKETS_TOKEN: z.string().min(8, 'must be set to the QTickets API token (at least 8 characters)'),
  QTICKETS_FILTER_ENCODING: z.enum(['body', 'query']).default('body'),
  QTICKETS_RPS: intFromEnv(1, 100).default(5),
  /** Partners API v1 (partner_tickets stream): optional; without a key the partner streams are off. */
  QTICKETS_PARTNERS_BASE_URL: z.url({ message: 'must be a URL such as https://qtickets.ru/api/partners/v1' }).default('https://qtickets.ru/api/partners/v1'),
  QTICKETS_PARTNERS_TOKEN: z.string().min(8, 'must be the partner API key issued by QTickets support (at least 8 characters)').optional(),
  PII_HASH_SALT: z.string().min(16, 'must be at least 16 characters long (a random secret)'),
  FETCH_CONCURRENCY: intFromEnv(1, 64).default(2),
});

export const transformerEnv = z.object({
  ...logEnv,
  ...redisEnv,
  TRANSFORM_CONCURRENCY: intFromEnv(1, 256).default(4),
});

export const writerEnv = z.object({
  ...logEnv,
  ...redisEnv,
  ...clickhouseEnv,
  WRITER_BATCH_ROWS: intFromEnv(1, 10_000_000).default(50_000),
  WRITER_FLUSH_MS: intFromEnv(10, 600_000).default(1_000),
  WRITER_CONCURRENCY: intFromEnv(1, 5_000).default(500),
  DRY_RUN: boolFromEnv.default(false),
});

export type SchedulerConfig = z.output<typeof schedulerEnv> & Record<string, unknown>;
export type FetcherConfig = z.output<typeof fetcherEnv>;
export type TransformerConfig = z.output<typeof transformerEnv>;
export type WriterConfig = z.output<typeof writerEnv>;

import { boolFromEnv, clickhouseEnv, intFromEnv, logEnv, redisEnv } from '@qtp/shared';
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `48h`, `30m`, `90s`, `3d` or plain milliseconds. */
export const durationFromEnv = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration such as 30s, 15m, 48h or 3d')
  .transform((v) => {
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v) as RegExpExecArray;
    return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
  });

/** A 5-field cron pattern (minute hour day month weekday). */
export const cronFromEnv = z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a 5-field cron pattern such as */5 * * * *');

/**
 * The process's health/metrics listener (GET /healthz, /readyz, /metrics), which the compose healthchecks call.
 * Default ports: scheduler 9101, fetcher 9102, transformer 9103, writer 9104 (webhooks 9105).
 */
export const metricsEnv = (port: number) => ({
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: intFromEnv(0, 65_535).default(port),
});

export const schedulerEnv = z.object({
  ...logEnv,
  ...metricsEnv(9101),
  ...redisEnv,
  ...clickhouseEnv,
  SCHEDULE_ORDERS: cronFromEnv.default('*/5 * * * *'),
  SCHEDULE_ORDERS_RECONCILE: cronFromEnv.default('30 3 * * *'),
  SCHEDULE_EVENTS: cronFromEnv.default('*/30 * * * *'),
  SCHEDULE_TZ: z.string().default('Europe/Moscow'),
  LOOKBACK_ORDERS: durationFromEnv.default(48 * 3_600_000),
  RUN_TIMEOUT: durationFromEnv.default(2 * 3_600_000),
});

export const fetcherEnv = z.object({
  ...logEnv,
  ...metricsEnv(9102),
  ...redisEnv,
  QTICKETS_BASE_URL: z.url({ message: 'must be a URL such as https://qtickets.ru/api/rest/v1' }).default('https://qtickets.ru/api/rest/v1'),
  QTICKETS_TOKEN: z.string().min(8, 'must be set to the QTickets API token (at least 8 characters)'),
  QTICKETS_FILTER_ENCODING: z.enum(['body', 'query']).default('body'),
  QTICKETS_RPS: intFromEnv(1, 100).default(5),
  PII_HASH_SALT: z.string().min(16, 'must be at least 16 characters long (a random secret)'),
  FETCH_CONCURRENCY: intFromEnv(1, 64).default(2),
});

export const transformerEnv = z.object({
  ...logEnv,
  ...metricsEnv(9103),
  ...redisEnv,
  TRANSFORM_CONCURRENCY: intFromEnv(1, 256).default(4),
});

export const writerEnv = z.object({
  ...logEnv,
  ...metricsEnv(9104),
  ...redisEnv,
  ...clickhouseEnv,
  WRITER_BATCH_ROWS: intFromEnv(1, 10_000_000).default(50_000),
  WRITER_FLUSH_MS: intFromEnv(10, 600_000).default(1_000),
  WRITER_CONCURRENCY: intFromEnv(1, 5_000).default(500),
  DRY_RUN: boolFromEnv.default(false),
});

export type SchedulerConfig = z.output<typeof schedulerEnv>;
export type FetcherConfig = z.output<typeof fetcherEnv>;
export type TransformerConfig = z.output<typeof transformerEnv>;
export type WriterConfig = z.output<typeof writerEnv>;

import { boolFromEnv, clickhouseEnv, intFromEnv, logEnv, METRICS_PORTS, opsEnv, redisEnv } from '@qtp/shared';
import { z } from 'zod';
import { STREAM_DEFINITIONS } from '../streams/registry.ts';
import { cronSetting, durationSetting } from './settings.ts';

/** Per stream: a cron setting for each of its job schedulers, plus the stream's own scheduler settings. */
const streamSettings = Object.assign(
  {},
  ...STREAM_DEFINITIONS.flatMap((s) => [...s.schedules.map((sc) => ({ [sc.env]: cronSetting.default(sc.pattern) })), s.settings ?? {}]),
) as Record<string, z.ZodType>;

/** Each app's health/metrics listener (GET /healthz, /readyz, /metrics), which the compose healthchecks call. */
const ops = (app: keyof typeof METRICS_PORTS) => opsEnv(METRICS_PORTS[app]);

/** The PII boundary's salt: the fetcher's allow-lists, and the webhook receiver's (it sanitizes signed bodies). */
const piiEnv = { PII_HASH_SALT: z.string().min(16, 'must be at least 16 characters long (a random secret)') };

const fetchRetryEnv = {
  /**
   * Attempts of a page, show or webhook refetch job (each already retried inside the client), with exponential
   * backoff from FETCH_BACKOFF_MS; a run's unit that exhausts them fails its run at once, a webhook refetch only itself.
   * The webhook receiver reads them too: it queues the refetches.
   */
  FETCH_ATTEMPTS: intFromEnv(1, 50).default(8),
  FETCH_BACKOFF_MS: intFromEnv(10, 600_000).default(2_000),
};

export const schedulerEnv = z.object({
  ...logEnv,
  ...ops('scheduler'),
  ...redisEnv,
  ...clickhouseEnv,
  ...streamSettings,
  SCHEDULE_TZ: z.string().default('Europe/Moscow'),
  RUN_TIMEOUT: durationSetting.default(2 * 3_600_000),
  /** Replays: raw records per slice job (one ClickHouse read, one or a few transform jobs). */
  REPLAY_SLICE_RECORDS: intFromEnv(1, 100_000).default(500),
  /** Replays: a slice waits while this many transform jobs wait, so Redis holds a bounded share of a replay. */
  REPLAY_MAX_QUEUED: intFromEnv(1, 100_000).default(64),
});

export const fetcherEnv = z.object({
  ...logEnv,
  ...ops('fetcher'),
  ...redisEnv,
  QTICKETS_BASE_URL: z.url({ message: 'must be a URL such as https://qtickets.ru/api/rest/v1' }).default('https://qtickets.ru/api/rest/v1'),
  QTICKETS_TOKEN: z.string().min(8, 'must be set to the QTickets API token (at least 8 characters)'),
  QTICKETS_FILTER_ENCODING: z.enum(['body', 'query']).default('body'),
  QTICKETS_RPS: intFromEnv(1, 100).default(5),
  /** Partners API v1 (partner_tickets stream): optional; without a key the partner streams are off. */
  QTICKETS_PARTNERS_BASE_URL: z.url({ message: 'must be a URL such as https://qtickets.ru/api/partners/v1' }).default('https://qtickets.ru/api/partners/v1'),
  QTICKETS_PARTNERS_TOKEN: z.string().min(8, 'must be the partner API key issued by QTickets support (at least 8 characters)').optional(),
  ...piiEnv,
  FETCH_CONCURRENCY: intFromEnv(1, 64).default(2),
  ...fetchRetryEnv,
});

export const transformerEnv = z.object({
  ...logEnv,
  ...ops('transformer'),
  ...redisEnv,
  TRANSFORM_CONCURRENCY: intFromEnv(1, 256).default(4),
  /**
   * Which streams land their sanitized records in raw_qtickets_<stream> (what `pnpm replay` re-derives from): `all`,
   * `none`, or stream names, comma-separated. Off, a stream cannot be replayed for the records it loads meanwhile.
   */
  RAW_LANDING: z
    .string()
    .regex(/^(all|none|[a-z_]+(\s*,\s*[a-z_]+)*)$/, 'must be all, none, or stream names separated by commas')
    .refine((v) => ['all', 'none'].includes(v) || v.split(',').every((s) => STREAM_DEFINITIONS.some((d) => d.name === s.trim())), {
      message: `names a stream that does not exist (streams: ${STREAM_DEFINITIONS.map((d) => d.name).join(', ')})`,
    })
    .default('all'),
});

export const writerEnv = z.object({
  ...logEnv,
  ...ops('writer'),
  ...redisEnv,
  ...clickhouseEnv,
  WRITER_BATCH_ROWS: intFromEnv(1, 10_000_000).default(50_000),
  WRITER_FLUSH_MS: intFromEnv(10, 600_000).default(1_000),
  /** A table's batch is also flushed at about this many bytes of rows (the writer's memory stays bounded). */
  WRITER_BATCH_BYTES: intFromEnv(65_536, 1_073_741_824).default(8 * 1_048_576),
  /**
   * Write jobs in flight at once (each holds its page's insert-ready rows, ~100 KB, until the insert holding them is
   * confirmed). When all of them wait for buffered rows the batch is flushed at once (bench: 32 capped a first load
   * at ~32 pages per WRITER_FLUSH_MS).
   */
  WRITER_CONCURRENCY: intFromEnv(1, 5_000).default(256),
  /** While ClickHouse is unreachable, the write queue waits this long between tries (no job attempt is spent). */
  WRITER_OUTAGE_RETRY_MS: intFromEnv(100, 600_000).default(5_000),
  DRY_RUN: boolFromEnv.default(false),
});

export const webhooksEnv = z.object({
  ...logEnv,
  ...ops('webhooks'),
  ...redisEnv,
  /** Read only: the latest version of an order it holds (a body older than that is refetched instead). */
  ...clickhouseEnv,
  ...piiEnv,
  ...fetchRetryEnv,
  /** The secret configured for the webhooks in the QTickets back office (HMAC-SHA1 of the body, X-Signature). */
  WEBHOOK_SECRET: z.string().min(16, 'must be set to the webhook secret from the QTickets back office (at least 16 characters)'),
  WEBHOOK_HOST: z.string().default('127.0.0.1'),
  WEBHOOK_PORT: intFromEnv(0, 65_535).default(8088),
});

export type WebhooksConfig = z.output<typeof webhooksEnv>;
export type SchedulerConfig = z.output<typeof schedulerEnv> & Record<string, unknown>;
export type FetcherConfig = z.output<typeof fetcherEnv>;
export type TransformerConfig = z.output<typeof transformerEnv>;
export type WriterConfig = z.output<typeof writerEnv>;

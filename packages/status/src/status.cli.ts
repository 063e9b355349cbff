import { STREAMS } from '@qtp/pipeline';
import {
  checkReadiness,
  checkSchema,
  clickhouseCheck,
  clickhouseEnv,
  closeRedis,
  createClickHouse,
  createLogger,
  createRedis,
  embeddedStackDefaults,
  loadConfig,
  logEnv,
  parseCli,
  parseDuration,
  redisAddress,
  redisEnv,
  redisReady,
  unknownNames,
  usageError,
  withTimeout,
} from '@qtp/shared';
import { z } from 'zod';
import { formatCheck, formatStatus } from './format.ts';
import { stalenessEnv } from './staleness.ts';
import { collectStatus } from './status.ts';

const USAGE = `usage: pnpm status [stream...] [--check] [--json] [--timeout 10s]
  per stream (${STREAMS.join(', ')}): watermark, last success, lag, staleness, runs in flight;
  per queue: jobs in every BullMQ state (waiting, prioritized, waiting-children, active, delayed,
  failed, completed) and live workers
  --check        exit 1 with one line per problem (a stream stale, a queue without a live worker, a server
                 unreachable), exit 0 with one "ok" line when healthy: for cron or a monitor
  --json         the report as JSON (with --check: same exit codes)
  --timeout D    bound on connecting and on each read (default 10s)
  a stream is stale when its last success is older than STALE_AFTER_<STREAM> (e.g. 20m), by default
  3 intervals of its schedule SCHEDULE_<STREAM> (at least 15m); before its first success, once that long
  has passed since its first scheduled run was due (until then: pending); streams switched off: off`;

const args = parseCli('status', USAGE, { check: { type: 'boolean' }, json: { type: 'boolean' }, timeout: { type: 'string' } });
const unknown = unknownNames('stream', args.positionals, STREAMS);
if (unknown) usageError('status', USAGE, unknown);
let timeoutMs = 10_000;
try {
  if (args.values.timeout !== undefined) timeoutMs = parseDuration(args.values.timeout, '--timeout');
} catch (err) {
  usageError('status', USAGE, (err as Error).message);
}

const cfg = loadConfig(z.object({ ...logEnv, ...redisEnv, ...clickhouseEnv, ...stalenessEnv() }), { fallback: embeddedStackDefaults }) as Record<
  string,
  unknown
> & {
  LOG_LEVEL: string;
  LOG_FORMAT: 'json' | 'pretty';
  REDIS_URL?: string;
  QUEUE_PREFIX: string;
  CLICKHOUSE_URL: string;
  CLICKHOUSE_USER: string;
  CLICKHOUSE_PASSWORD: string;
  CLICKHOUSE_DATABASE: string;
};
const log = createLogger({ name: 'status', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-status', { log, errorLevel: 'debug' });
const clickhouse = createClickHouse(cfg, { application: 'qtickets-pipeline-status' });
try {
  const chHost = new URL(cfg.CLICKHOUSE_URL).host;
  const [redisDown, ch, schema] = await Promise.all([
    redisReady(redis, timeoutMs, `Redis at ${redisAddress(cfg)}`).then(
      () => undefined,
      (err: Error) => err.message,
    ),
    checkReadiness([clickhouseCheck(clickhouse)], timeoutMs),
    // A missing database or unapplied migrations is named as such, not as "ClickHouse unreachable".
    withTimeout(checkSchema(clickhouse, cfg.CLICKHOUSE_DATABASE), timeoutMs, 'ClickHouse').catch(() => undefined),
  ]);
  const schemaProblem = schema && !schema.ok && !schema.unreachable ? `ClickHouse at ${chHost}: ${schema.message}` : undefined;
  const clickhouseDown = schemaProblem ?? (ch.ready ? undefined : `ClickHouse at ${chHost}: ${ch.checks.clickhouse}`);
  const report = await withTimeout(
    collectStatus({
      redis,
      clickhouse,
      prefix: cfg.QUEUE_PREFIX,
      settings: cfg,
      streams: args.positionals.length ? args.positionals : STREAMS,
      timeoutMs,
      unreachable: { redis: redisDown, clickhouse: clickhouseDown },
      schemaProblem,
    }),
    timeoutMs * 4,
    'status',
  );
  if (args.values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(args.values.check ? formatCheck(report) : formatStatus(report));
  const unreachable = redisDown !== undefined || clickhouseDown !== undefined;
  process.exitCode = (args.values.check ? report.problems.length > 0 : unreachable) ? 1 : 0;
} catch (err) {
  process.stderr.write(`status: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await closeRedis(redis);
  await clickhouse.close();
  // Everything is closed; ioredis keeps a refused socket around for 2 s before destroying it.
  process.exit(process.exitCode ?? 0);
}

import type { Redis } from 'ioredis';
import type { ClickHouseClient } from '../connections/clickhouse.ts';
import type { Logger } from '../logging/logger.ts';
import { guardSchema } from '../migrations/schema-check.ts';
import { PipelineMetrics } from './metrics.ts';
import type { OpsSettings } from './ops-env.ts';
import { clickhouseCheck, type OpsServer, redisCheck, startOpsServer } from './ops-server.ts';

export type ProcessOps = { metrics: PipelineMetrics; server: OpsServer };

/**
 * The ops side of one long-running process: its metrics registry (depth and live workers of `queues`) and its
 * /healthz, /readyz (the Redis and ClickHouse it uses) and /metrics server. Started before the workers, so readiness
 * tells the truth while a dependency is down. A port that cannot be bound stops the process with one log line.
 * A process that uses ClickHouse first checks its schema (migrations/schema-check.ts): a missing database or an
 * unapplied migration exits 2 naming the fix, before any job runs.
 */
export async function startProcessOps(o: {
  service: string;
  settings: OpsSettings;
  log: Logger;
  redis: Redis;
  prefix: string;
  queues: readonly string[];
  clickhouse?: ClickHouseClient;
  /** The database whose migrations `clickhouse` needs (with `clickhouse`). */
  database?: string;
  exit?: (code: number) => never;
}): Promise<ProcessOps> {
  if (o.clickhouse && o.database) await guardSchema({ clickhouse: o.clickhouse, database: o.database, log: o.log, ...(o.exit ? { exit: o.exit } : {}) });
  const metrics = new PipelineMetrics({ service: o.service, log: o.log });
  metrics.observeQueues(o.queues, o.redis, o.prefix);
  try {
    const server = await startOpsServer({
      host: o.settings.METRICS_HOST,
      port: o.settings.METRICS_PORT,
      log: o.log,
      metrics,
      checks: [redisCheck(o.redis), ...(o.clickhouse ? [clickhouseCheck(o.clickhouse)] : [])],
    });
    return { metrics, server };
  } catch (err) {
    o.log.fatal({ err: { message: (err as Error).message } }, (err as Error).message);
    await metrics.close().catch(() => {});
    return (o.exit ?? ((code: number) => process.exit(code)))(1);
  }
}

// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { QUEUES, startWebhookReceiver, webhooksEnv } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createLogger, createRedis, guardSchema, loadConfig, Shutdown, startProcessOps, WebhookMetrics } from '@qtp/shared';

const cfg = loadConfig(webhooksEnv);
const log = createLogger({ name: 'webhooks', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-webhooks', { log });
const clickhouse = createClickHouse(cfg);
// The receiver compares a body with what ClickHouse holds: a missing schema stops it at start (exit 2, `pnpm migrate`).
// Its readiness stays Redis only, since it takes deliveries while ClickHouse is away.
const schema = await guardSchema({ clickhouse, database: cfg.CLICKHOUSE_DATABASE, log });
const ops = await startProcessOps({ service: 'webhooks', settings: cfg, log, redis, prefix: cfg.QUEUE_PREFIX, queues: Object.values(QUEUES) });
const metrics = new WebhookMetrics(ops.metrics.registry, ['deliveries']);
const receiver = await startWebhookReceiver({
  secret: cfg.WEBHOOK_SECRET,
  piiSalt: cfg.PII_HASH_SALT,
  redis,
  prefix: cfg.QUEUE_PREFIX,
  clickhouse,
  refetchRetry: { attempts: cfg.FETCH_ATTEMPTS, backoffMs: cfg.FETCH_BACKOFF_MS },
  log,
  host: cfg.WEBHOOK_HOST,
  port: cfg.WEBHOOK_PORT,
  onOutcome: (event, outcome, n) => metrics.delivery(event, outcome, n),
});
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('http and drain', receiver.close)
  .add('metrics', () => ops.metrics.close())
  .add('schema check', async () => schema.stop())
  .add('clickhouse', () => clickhouse.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info({ url: receiver.url, ops: ops.server.url }, 'webhooks started');

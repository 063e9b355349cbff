// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { QUEUES, startWriter, writerEnv } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createLogger, createRedis, loadConfig, Shutdown, startProcessOps, WebhookMetrics } from '@qtp/shared';

const cfg = loadConfig(writerEnv);
const log = createLogger({ name: 'writer', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-writer', { log });
const clickhouse = createClickHouse(cfg);
const ops = await startProcessOps({
  service: 'writer',
  settings: cfg,
  log,
  redis,
  clickhouse,
  database: cfg.CLICKHOUSE_DATABASE,
  prefix: cfg.QUEUE_PREFIX,
  queues: Object.values(QUEUES),
});
// Webhook changes confirmed here: qtp_webhook_change_to_row_seconds (from the receiver taking the delivery).
const webhooks = new WebhookMetrics(ops.metrics.registry, ['changeToRow']);
const writer = startWriter(cfg, { redis, clickhouse, log, onInsert: ops.metrics.insert, onChangeConfirmed: webhooks.changeConfirmed });
for (const w of writer.workers) ops.metrics.observeWorker(w);
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('writer', writer.close)
  .add('metrics', () => ops.metrics.close())
  .add('clickhouse', () => clickhouse.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info(
  { batchRows: cfg.WRITER_BATCH_ROWS, flushMs: cfg.WRITER_FLUSH_MS, dryRun: cfg.DRY_RUN, database: cfg.CLICKHOUSE_DATABASE, ops: ops.server.url },
  'writer started',
);

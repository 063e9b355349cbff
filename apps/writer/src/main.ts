import { startWriter, writerEnv } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createLogger, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(writerEnv);
const log = createLogger({ name: 'writer', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-writer');
const clickhouse = createClickHouse(cfg);
const writer = startWriter(cfg, { redis, clickhouse, log });
new Shutdown(log)
  .add('writer', writer.close)
  .add('clickhouse', () => clickhouse.close())
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ batchRows: cfg.WRITER_BATCH_ROWS, flushMs: cfg.WRITER_FLUSH_MS, dryRun: cfg.DRY_RUN, database: cfg.CLICKHOUSE_DATABASE }, 'writer started');

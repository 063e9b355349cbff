import { STREAMS, schedulerEnv, startScheduler } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createLogger, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(schedulerEnv);
const log = createLogger({ name: 'scheduler', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-scheduler');
const clickhouse = createClickHouse(cfg);
const scheduler = await startScheduler(cfg, { redis, clickhouse, log });
new Shutdown(log)
  .add('scheduler', scheduler.close)
  .add('clickhouse', () => clickhouse.close())
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ streams: STREAMS, tz: cfg.SCHEDULE_TZ }, 'scheduler started');

// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { QUEUES, type SchedulerConfig, STREAMS, startScheduler } from '@qtp/pipeline';
import { closeRedis, createClickHouse, createLogger, createRedis, loadConfig, Shutdown, startProcessOps } from '@qtp/shared';
import { schedulerProcessEnv, streamFreshness, watchDownstreamWorkers } from '@qtp/status';

// The staleness thresholds (STALE_AFTER_<STREAM>) are keyed by stream, like the schedules: typed as the scheduler's.
const cfg = loadConfig(schedulerProcessEnv()) as SchedulerConfig;
const log = createLogger({ name: 'scheduler', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-scheduler', { log });
const clickhouse = createClickHouse(cfg);
const ops = await startProcessOps({
  service: 'scheduler',
  settings: cfg,
  log,
  redis,
  clickhouse,
  database: cfg.CLICKHOUSE_DATABASE,
  prefix: cfg.QUEUE_PREFIX,
  queues: Object.values(QUEUES),
});
ops.metrics.observeStreams(streamFreshness(clickhouse, cfg, { redis, prefix: cfg.QUEUE_PREFIX }));
const scheduler = await startScheduler(cfg, { redis, clickhouse, log });
for (const w of scheduler.workers) ops.metrics.observeWorker(w);
const [planWorker] = scheduler.workers;
// Warns when the fetch, transform or write queue has no live worker (checked after every plan job).
const watch = planWorker ? watchDownstreamWorkers({ planWorker, redis, prefix: cfg.QUEUE_PREFIX, log }) : undefined;
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('scheduler', scheduler.close)
  .add('watch', async () => watch?.close())
  .add('metrics', () => ops.metrics.close())
  .add('clickhouse', () => clickhouse.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info({ streams: STREAMS, tz: cfg.SCHEDULE_TZ, ops: ops.server.url }, 'scheduler started');

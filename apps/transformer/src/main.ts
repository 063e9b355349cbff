// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { QUEUES, startTransformer, transformerEnv } from '@qtp/pipeline';
import { closeRedis, createLogger, createRedis, loadConfig, Shutdown, startProcessOps } from '@qtp/shared';

const cfg = loadConfig(transformerEnv);
const log = createLogger({ name: 'transformer', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-transformer', { log });
const ops = await startProcessOps({ service: 'transformer', settings: cfg, log, redis, prefix: cfg.QUEUE_PREFIX, queues: Object.values(QUEUES) });
const transformer = startTransformer(cfg, { redis, log });
for (const w of transformer.workers) ops.metrics.observeWorker(w);
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('transformer', transformer.close)
  .add('metrics', () => ops.metrics.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info({ concurrency: cfg.TRANSFORM_CONCURRENCY, ops: ops.server.url }, 'transformer started');

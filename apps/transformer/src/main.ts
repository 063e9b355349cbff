import { startTransformer, transformerEnv } from '@qtp/pipeline';
import { closeRedis, createLogger, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(transformerEnv);
const log = createLogger({ name: 'transformer', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-transformer');
const transformer = startTransformer(cfg, { redis, log });
new Shutdown(log)
  .add('transformer', transformer.close)
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ concurrency: cfg.TRANSFORM_CONCURRENCY }, 'transformer started');

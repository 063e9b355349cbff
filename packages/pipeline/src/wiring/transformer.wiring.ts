import { createQueue, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import type { TransformerConfig } from '../config/env.ts';
import { handleTransform } from '../handlers/transform.handler.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { writeJob } from '../jobs/write.job.ts';
import { type Stage, stage } from './stage.ts';

export function startTransformer(cfg: TransformerConfig, deps: { redis: RedisConnection; log: Logger }): Stage {
  const writeQueue = createQueue(writeJob, deps.redis, cfg.QUEUE_PREFIX);
  const worker = startWorker(transformJob, (p, { log }) => handleTransform(p, { writeQueue }, log), {
    connection: deps.redis,
    prefix: cfg.QUEUE_PREFIX,
    logger: deps.log,
    concurrency: cfg.TRANSFORM_CONCURRENCY,
  });
  return stage('transformer', [worker], [writeQueue]);
}

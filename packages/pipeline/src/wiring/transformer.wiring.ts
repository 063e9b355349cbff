import { createQueue, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import type { TransformerConfig } from '../config/env.ts';
import { handleTransform, type TransformDeps } from '../handlers/transform.handler.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { writeJob } from '../jobs/write.job.ts';
import { type Stage, stage } from './stage.ts';

export function startTransformer(cfg: TransformerConfig, deps: { redis: RedisConnection; log: Logger; transforms?: TransformDeps['transforms'] }): Stage {
  const writeQueue = createQueue(writeJob, deps.redis, cfg.QUEUE_PREFIX);
  const handlerDeps: TransformDeps = { writeQueue, rawLanding: cfg.RAW_LANDING, ...(deps.transforms ? { transforms: deps.transforms } : {}) };
  const worker = startWorker(transformJob, (p, { log }) => handleTransform(p, handlerDeps, log), {
    connection: deps.redis,
    prefix: cfg.QUEUE_PREFIX,
    logger: deps.log,
    concurrency: cfg.TRANSFORM_CONCURRENCY,
  });
  return stage('transformer', [worker], [writeQueue]);
}

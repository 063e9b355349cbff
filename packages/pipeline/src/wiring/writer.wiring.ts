import { type ClickHouseClient, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import type { WriterConfig } from '../config/env.ts';
import { handleWrite } from '../handlers/write.handler.ts';
import { writeJob } from '../jobs/write.job.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { RunsRepository } from '../state/runs.repository.ts';
import { StateRepository } from '../state/state.repository.ts';
import { BatchWriter, type BatchWriterOptions } from '../writer/batch-writer.ts';
import { type Stage, stage } from './stage.ts';

export type WriterDeps = {
  redis: RedisConnection;
  clickhouse: ClickHouseClient;
  log: Logger;
  afterInsert?: BatchWriterOptions['afterInsert'];
  onInsert?: BatchWriterOptions['onInsert'];
  /** BullMQ lock settings (tests shorten them to exercise stalled-job recovery). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
};

/** Many jobs in flight at once (high concurrency), each waiting for the batch insert that holds its rows. */
export function startWriter(cfg: WriterConfig, deps: WriterDeps): Stage & { writer: BatchWriter } {
  const writer = new BatchWriter(deps.clickhouse, {
    batchRows: cfg.WRITER_BATCH_ROWS,
    flushMs: cfg.WRITER_FLUSH_MS,
    log: deps.log,
    dryRun: cfg.DRY_RUN,
    ...(deps.afterInsert ? { afterInsert: deps.afterInsert } : {}),
    ...(deps.onInsert ? { onInsert: deps.onInsert } : {}),
  });
  const tracker = new RunTracker(deps.redis, cfg.QUEUE_PREFIX);
  const writeDeps = { writer, tracker, state: new StateRepository(deps.clickhouse), runs: new RunsRepository(deps.clickhouse), dryRun: cfg.DRY_RUN };
  const worker = startWorker(writeJob, (p, { job, log }) => handleWrite(p, job.id ?? writeJob.jobId(p), writeDeps, log), {
    connection: deps.redis,
    prefix: cfg.QUEUE_PREFIX,
    logger: deps.log,
    concurrency: cfg.WRITER_CONCURRENCY,
    options: {
      ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
      ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
    },
  });
  return { ...stage('writer', [worker], [], [() => writer.drain()]), writer };
}

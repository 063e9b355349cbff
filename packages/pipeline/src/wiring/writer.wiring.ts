import { type ClickHouseClient, createQueue, isClickHouseUnavailable, type Logger, type RedisConnection, startWorker } from '@qtp/shared';
import { Worker } from 'bullmq';
import type { WriterConfig } from '../config/env.ts';
import { handleWrite, type WriteDeps } from '../handlers/write.handler.ts';
import { fetchJob } from '../jobs/fetch.job.ts';
import { writeJob } from '../jobs/write.job.ts';
import { RunStages } from '../state/run-stages.ts';
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
  /** Webhook changes confirmed in ClickHouse (change → row latency). */
  onChangeConfirmed?: WriteDeps['onChangeConfirmed'];
  /** BullMQ lock settings (tests shorten them to exercise stalled-job recovery). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  now?: () => Date;
};

/** Many jobs in flight at once (high concurrency), each waiting for the batch insert that holds its rows. */
export function startWriter(cfg: WriterConfig, deps: WriterDeps): Stage & { writer: BatchWriter } {
  const writer = new BatchWriter(deps.clickhouse, {
    batchRows: cfg.WRITER_BATCH_ROWS,
    batchBytes: cfg.WRITER_BATCH_BYTES,
    flushMs: cfg.WRITER_FLUSH_MS,
    capacity: cfg.WRITER_CONCURRENCY,
    log: deps.log,
    dryRun: cfg.DRY_RUN,
    ...(deps.afterInsert ? { afterInsert: deps.afterInsert } : {}),
    ...(deps.onInsert ? { onInsert: deps.onInsert } : {}),
  });
  const tracker = new RunTracker(deps.redis, cfg.QUEUE_PREFIX);
  // Follow-ups (the polls of the barcodes a list returned) join their run from here.
  const fetchQueue = createQueue(fetchJob, deps.redis, cfg.QUEUE_PREFIX);
  const writeDeps = {
    writer,
    tracker,
    stages: new RunStages(deps.redis, cfg.QUEUE_PREFIX),
    fetchQueue,
    state: new StateRepository(deps.clickhouse),
    runs: new RunsRepository(deps.clickhouse),
    clickhouse: deps.clickhouse,
    dryRun: cfg.DRY_RUN,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.onChangeConfirmed ? { onChangeConfirmed: deps.onChangeConfirmed } : {}),
  };
  const writeQueue = createQueue(writeJob, deps.redis, cfg.QUEUE_PREFIX);
  const outage = new OutageGate(writeQueue, cfg.WRITER_OUTAGE_RETRY_MS, deps.log);
  const worker = startWorker(
    writeJob,
    async (p, { job, log }) => {
      try {
        return await handleWrite(p, job.id ?? writeJob.jobId(p), writeDeps, log);
      } catch (err) {
        // ClickHouse unreachable (restart, upgrade): no attempt is spent. The queue is rate-limited for every writer
        // replica, the job goes back to waiting, and the writer takes jobs again by itself once ClickHouse answers.
        if (isClickHouseUnavailable(err)) {
          await outage.hold(err as Error);
          throw Worker.RateLimitError();
        }
        throw err;
      }
    },
    {
      connection: deps.redis,
      prefix: cfg.QUEUE_PREFIX,
      logger: deps.log,
      concurrency: cfg.WRITER_CONCURRENCY,
      options: {
        ...(deps.lockDurationMs ? { lockDuration: deps.lockDurationMs } : {}),
        ...(deps.stalledIntervalMs ? { stalledInterval: deps.stalledIntervalMs } : {}),
      },
    },
  );
  worker.on('completed', () => outage.clear());
  return { ...stage('writer', [worker], [writeQueue, fetchQueue], [() => writer.drain()]), writer };
}

/** Rate-limits the write queue while ClickHouse is away, logging the outage once rather than once per job. */
class OutageGate {
  #since: number | null = null;
  readonly #queue: ReturnType<typeof createQueue>;
  readonly #retryMs: number;
  readonly #log: Logger;

  constructor(queue: ReturnType<typeof createQueue>, retryMs: number, log: Logger) {
    this.#queue = queue;
    this.#retryMs = retryMs;
    this.#log = log;
  }

  async hold(err: Error): Promise<void> {
    if (this.#since === null) {
      this.#since = Date.now();
      this.#log.warn({ err: err.message, retryMs: this.#retryMs }, 'ClickHouse unreachable: writes paused (no attempts spent) until it answers');
    }
    await this.#queue.rateLimit(this.#retryMs);
  }

  clear(): void {
    if (this.#since === null) return;
    this.#log.info({ outageMs: Date.now() - this.#since }, 'ClickHouse reachable again: writes resumed');
    this.#since = null;
  }
}

import { type Job, type JobState, Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { reportRedisError } from '../connections/redis.ts';
import type { Logger } from '../logging/logger.ts';
import { withTimeout } from './timeout.ts';

/** What the QTickets client reports per HTTP attempt (its `onRequest` hook; the client never imports prom-client). */
export type ApiRequestEvent = { endpoint: string; status: number | string; durationMs: number };
/** What the batching writer reports per insert (its `onInsert` hook). */
export type InsertEvent = { table: string; rows: number; durationMs: number; ok: boolean };
/**
 * A stream's last success (etl_state), how old it may get before it counts as stale, and when its first scheduled run
 * was due (null: no scheduler registered it yet).
 */
export type StreamFreshness = { stream: string; lastSuccessAt: string | null; staleAfterMs?: number; firstDueAt?: string | null };

/**
 * Every state a BullMQ 6 job can be in, all reported per queue: a job with a priority waits in `prioritized`, not
 * `waiting`; a parent waits for its children in `waiting-children`; `completed` is bounded by each job's retention.
 * (A test checks this against the states `getJobCounts()` counts by default, so a new BullMQ state is not missed.)
 */
export const QUEUE_STATES = ['waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'failed', 'completed'] as const satisfies readonly JobState[];
export type QueueState = (typeof QUEUE_STATES)[number];
/** The states of jobs that wait for a worker (the backlog): everything not yet picked up and not finished. */
export const BACKLOG_STATES = ['waiting', 'prioritized', 'waiting-children', 'delayed'] as const satisfies readonly QueueState[];

/** Every metric name, for docs and tests. */
export const METRIC_NAMES = {
  jobsCompleted: 'qtp_jobs_completed_total',
  jobsFailed: 'qtp_jobs_failed_total',
  jobDuration: 'qtp_job_duration_seconds',
  queueJobs: 'qtp_queue_jobs',
  queueWorkers: 'qtp_queue_workers',
  apiRequests: 'qtp_api_requests_total',
  apiRequestDuration: 'qtp_api_request_duration_seconds',
  rowsWritten: 'qtp_rows_written_total',
  insertDuration: 'qtp_insert_duration_seconds',
  insertFailures: 'qtp_insert_failures_total',
  streamLag: 'qtp_stream_lag_seconds',
  streamLastSuccess: 'qtp_stream_last_success_timestamp_seconds',
  streamStaleAfter: 'qtp_stream_stale_after_seconds',
  streamFirstDue: 'qtp_stream_first_due_timestamp_seconds',
} as const;

/** prom-client default metrics left out: gauges with a counter's `_total` suffix, sums of the per-type gauges. */
const UNRULY_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export type MetricsOptions = {
  /** `service` label on every sample (scheduler, fetcher...). */
  service: string;
  log: Logger;
  /** Bound on each scrape-time read (queue counts, etl_state): a dead Redis must not hang /metrics. */
  collectTimeoutMs?: number;
  /** Node.js process metrics (process_*, nodejs_*). Default true. */
  defaultMetrics?: boolean;
};

/**
 * One process's Prometheus registry (never the global one: tests run many in one process). Counters are fed by
 * events (workers, the API client's and the batch writer's observer hooks); gauges are read at scrape time, each read
 * bounded by a timeout, and dropped (absent, not stale) when the read fails.
 */
export class PipelineMetrics {
  readonly registry = new Registry();
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #queues: Queue[] = [];
  #streams: (() => Promise<StreamFreshness[]>) | undefined;
  readonly #jobsCompleted: Counter<'queue'>;
  readonly #jobsFailed: Counter<'queue'>;
  readonly #jobDuration: Histogram<'queue'>;
  readonly #apiRequests: Counter<'endpoint' | 'status'>;
  readonly #apiDuration: Histogram<'endpoint'>;
  readonly #rowsWritten: Counter<'table'>;
  readonly #insertDuration: Histogram<'table'>;
  readonly #insertFailures: Counter<'table'>;

  constructor(o: MetricsOptions) {
    this.#log = o.log;
    this.#timeoutMs = o.collectTimeoutMs ?? 2_000;
    this.registry.setDefaultLabels({ service: o.service });
    if (o.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters (`promtool check metrics`: non-counter metrics should not have "_total" suffix);
      // the same figures stay, per type, in nodejs_active_handles / _requests / _resources.
      for (const name of UNRULY_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
    const registers = [this.registry];
    this.#jobsCompleted = new Counter({ name: METRIC_NAMES.jobsCompleted, help: 'Jobs this process completed, per queue.', labelNames: ['queue'], registers });
    this.#jobsFailed = new Counter({
      name: METRIC_NAMES.jobsFailed,
      help: 'Job attempts that failed in this process, per queue (a retried job counts once per failed attempt).',
      labelNames: ['queue'],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: METRIC_NAMES.jobDuration,
      help: 'Processing time of completed jobs, per queue.',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.#apiRequests = new Counter({
      name: METRIC_NAMES.apiRequests,
      help: 'QTickets API requests (each attempt), per endpoint and HTTP status (or error kind when no response came).',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.#apiDuration = new Histogram({
      name: METRIC_NAMES.apiRequestDuration,
      help: 'QTickets API request latency (each attempt), per endpoint.',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#rowsWritten = new Counter({ name: METRIC_NAMES.rowsWritten, help: 'Rows ClickHouse confirmed, per table.', labelNames: ['table'], registers });
    this.#insertDuration = new Histogram({
      name: METRIC_NAMES.insertDuration,
      help: 'Batch insert latency (until ClickHouse confirmed it), per table.',
      labelNames: ['table'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.#insertFailures = new Counter({ name: METRIC_NAMES.insertFailures, help: 'Batch inserts that failed, per table.', labelNames: ['table'], registers });

    const self = this;
    new Gauge({
      name: METRIC_NAMES.queueJobs,
      help: `Jobs per queue and state (${QUEUE_STATES.join(', ')}); every process reports every queue, aggregate with max by (queue, state).`,
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          self.#queues.map(async (q) => {
            const counts = await self.#read(`job counts of ${q.name}`, () => q.getJobCounts(...QUEUE_STATES));
            if (counts) for (const state of QUEUE_STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    new Gauge({
      name: METRIC_NAMES.queueWorkers,
      help: 'Live workers (Redis connections of BullMQ workers) per queue, in the whole deployment.',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          self.#queues.map(async (q) => {
            const n = await self.#read(`workers of ${q.name}`, () => q.getWorkersCount());
            if (n !== undefined) this.set({ queue: q.name }, n);
          }),
        );
      },
    });
    // The three stream gauges share one read of etl_state per scrape (prom-client collects metrics in parallel).
    const streamGauge = (name: string, help: string, value: (r: StreamFreshness, now: number) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream'],
        registers,
        async collect() {
          this.reset();
          const rows = await self.#readStreams();
          const now = Date.now();
          for (const r of rows ?? []) {
            const v = value(r, now);
            if (v !== undefined) this.set({ stream: r.stream }, v);
          }
        },
      });
    const successMs = (r: StreamFreshness) => (r.lastSuccessAt ? Date.parse(r.lastSuccessAt) : Number.NaN);
    streamGauge(METRIC_NAMES.streamLag, "Seconds since the stream's last successful run (etl_state); absent before its first success.", (r, now) => {
      const at = successMs(r);
      return Number.isNaN(at) ? undefined : Math.max(0, (now - at) / 1000);
    });
    streamGauge(METRIC_NAMES.streamLastSuccess, "Unix time of the stream's last successful run (etl_state); 0 before its first success.", (r) => {
      const at = successMs(r);
      return Number.isNaN(at) ? 0 : at / 1000;
    });
    streamGauge(
      METRIC_NAMES.streamStaleAfter,
      'Lag beyond which the stream counts as stale (from its schedule or STALE_AFTER_<STREAM>); alert on lag > this.',
      (r) => (r.staleAfterMs === undefined ? undefined : r.staleAfterMs / 1000),
    );
    streamGauge(
      METRIC_NAMES.streamFirstDue,
      'Unix time its first scheduled run was due (after the scheduler first registered it): a stream that never succeeded is stale once time() - this > its threshold.',
      (r) => (r.firstDueAt ? Date.parse(r.firstDueAt) / 1000 : undefined),
    );
  }

  #streamRead: Promise<StreamFreshness[] | undefined> | undefined;

  /** One read shared by concurrent callers (the gauges of one scrape). */
  #readStreams(): Promise<StreamFreshness[] | undefined> {
    const read = this.#streams;
    if (!read) return Promise.resolve(undefined);
    this.#streamRead ??= this.#read('stream state', read).finally(() => {
      this.#streamRead = undefined;
    });
    return this.#streamRead;
  }

  async #read<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await withTimeout(fn(), this.#timeoutMs, what);
    } catch (err) {
      this.#log.debug({ err: { message: (err as Error).message }, what }, 'metrics read failed; samples left out');
      return undefined;
    }
  }

  /** Counts a worker's completed and failed jobs and times the completed ones. */
  observeWorker(worker: Worker): void {
    const queue = worker.name;
    worker.on('completed', (job: Job) => {
      this.#jobsCompleted.inc({ queue });
      if (job.processedOn && job.finishedOn) this.#jobDuration.observe({ queue }, Math.max(0, job.finishedOn - job.processedOn) / 1000);
    });
    worker.on('failed', () => this.#jobsFailed.inc({ queue }));
  }

  /**
   * Reports depth and live workers of these queues at scrape time. The queues are made here, on `connection`, and
   * closed by close().
   */
  observeQueues(names: readonly string[], connection: Redis, prefix: string): void {
    for (const name of names) {
      const q = new Queue(name, { connection, prefix });
      q.on('error', (err) => reportRedisError(connection, err, `metrics queue ${name}`));
      this.#queues.push(q);
    }
  }

  /** Reports stream lag at scrape time from `read` (the scheduler reads etl_state). */
  observeStreams(read: () => Promise<StreamFreshness[]>): void {
    this.#streams = read;
  }

  /** For the QTickets client's `onRequest` hook. */
  readonly apiRequest = (e: ApiRequestEvent): void => {
    this.#apiRequests.inc({ endpoint: e.endpoint, status: String(e.status) });
    this.#apiDuration.observe({ endpoint: e.endpoint }, e.durationMs / 1000);
  };

  /** For the batch writer's `onInsert` hook. */
  readonly insert = (e: InsertEvent): void => {
    if (e.ok) {
      this.#rowsWritten.inc({ table: e.table }, e.rows);
      this.#insertDuration.observe({ table: e.table }, e.durationMs / 1000);
    } else this.#insertFailures.inc({ table: e.table });
  };

  /** The exposition text. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async close(): Promise<void> {
    await Promise.all(this.#queues.map((q) => q.close()));
    this.registry.clear();
  }
}

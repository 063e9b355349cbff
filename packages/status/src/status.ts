import { QUEUES, RunTracker, STREAM_DEFINITIONS, STREAMS, StateRepository } from '@qtp/pipeline';
import { type ClickHouseClient, QUEUE_STATES, type RedisConnection, withTimeout } from '@qtp/shared';
import { Queue } from 'bullmq';
import { type StaleAfter, staleAfter } from './staleness.ts';

export type RunningRun = { runId: string; mode: string; startedAt: string; pagesDone: number; pagesPlanned: number };

export type StreamStatus = {
  stream: string;
  highWaterId: number | null;
  watermark: string | null;
  lastSuccessAt: string | null;
  lastRunId: string | null;
  /** Seconds since the last success; null before the first one or when ClickHouse could not be read. */
  lagSeconds: number | null;
  staleAfterSeconds: number;
  staleAfterSource: string;
  stale: boolean;
  /** Runs holding the stream's locks (incremental/reconcile lane, backfill lane). */
  running: RunningRun[];
};

export type QueueStatus = { queue: string; waiting: number; active: number; delayed: number; failed: number; workers: number };

export type StatusReport = {
  checkedAt: string;
  streams: StreamStatus[];
  queues: QueueStatus[];
  /** One line per problem (stale stream, queue without a worker, unreachable server); empty when healthy. */
  problems: string[];
};

export type StatusOptions = {
  redis: RedisConnection;
  clickhouse: ClickHouseClient;
  prefix: string;
  /** Settings read by staleAfter (SCHEDULE_<STREAM>, SCHEDULE_TZ, STALE_AFTER_<STREAM>). */
  settings: Record<string, unknown>;
  /** Streams to report (default: every stream of STREAMS). */
  streams?: readonly string[];
  /** Bound on each read. */
  timeoutMs?: number;
  now?: Date;
  /** Servers already known to be unreachable (the CLI checks them first), with the reason. */
  unreachable?: { redis?: string | undefined; clickhouse?: string | undefined };
  /** ClickHouse answers but its schema is not ready (missing database, unapplied migrations): the CLI's finding. */
  schemaProblem?: string | undefined;
};

/** `1h 5m`, `3m 20s`, `45s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

const message = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * Reads everything `pnpm status` shows: per stream its durable state (etl_state), lag and staleness, and the runs in
 * flight (Redis); per queue its depth and live workers. A server that does not answer within the timeout becomes a
 * problem line, and the rest is still reported.
 */
export async function collectStatus(o: StatusOptions): Promise<StatusReport> {
  const now = o.now ?? new Date();
  const timeoutMs = o.timeoutMs ?? 5_000;
  const problems: string[] = [];
  const names = o.streams ?? STREAMS;
  const state = new StateRepository(o.clickhouse);
  const tracker = new RunTracker(o.redis, o.prefix);

  let clickhouseDown: string | null = o.schemaProblem ?? o.unreachable?.clickhouse ?? null;
  let redisDown: string | null = o.unreachable?.redis ?? null;
  const streams: StreamStatus[] = [];
  for (const stream of names) {
    const threshold: StaleAfter = staleAfter(stream, o.settings, now);
    const row: StreamStatus = {
      stream,
      highWaterId: null,
      watermark: null,
      lastSuccessAt: null,
      lastRunId: null,
      lagSeconds: null,
      staleAfterSeconds: threshold.ms / 1000,
      staleAfterSource: threshold.source,
      stale: false,
      running: [],
    };
    // A stream its settings switch off (partner tickets without a key) is never stale: it does not run.
    const off = STREAM_DEFINITIONS.find((d) => d.name === stream)?.disabledReason?.(o.settings) ?? null;
    if (off) {
      streams.push({ ...row, staleAfterSource: `off: ${off}` });
      continue;
    }
    if (!clickhouseDown) {
      try {
        const st = await withTimeout(state.get(stream), timeoutMs, 'ClickHouse');
        row.highWaterId = st.highWaterId;
        row.watermark = st.watermark;
        row.lastSuccessAt = st.lastSuccessAt;
        row.lastRunId = st.lastRunId || null;
        if (st.lastSuccessAt) row.lagSeconds = Math.max(0, (now.getTime() - Date.parse(st.lastSuccessAt)) / 1000);
        row.stale = row.lagSeconds === null || row.lagSeconds > row.staleAfterSeconds;
        if (row.lagSeconds === null) problems.push(`stream ${stream} has never completed a run (stale after ${formatDuration(row.staleAfterSeconds)})`);
        else if (row.stale)
          problems.push(
            `stream ${stream} is stale: last success ${formatDuration(row.lagSeconds)} ago, more than ${formatDuration(row.staleAfterSeconds)} (${threshold.source})`,
          );
      } catch (err) {
        clickhouseDown = message(err);
      }
    }
    if (!redisDown) {
      try {
        for (const lock of [stream, `${stream}-backfill`]) {
          const runId = await withTimeout(tracker.lockHolder(lock), timeoutMs, 'Redis');
          if (!runId) continue;
          const info = await withTimeout(tracker.info(runId), timeoutMs, 'Redis');
          row.running.push({ runId, mode: info?.mode ?? '?', startedAt: info?.startedAt ?? '', pagesDone: info?.done ?? 0, pagesPlanned: info?.expected ?? 0 });
        }
      } catch (err) {
        redisDown = message(err);
      }
    }
    streams.push(row);
  }

  const queues: QueueStatus[] = [];
  if (!redisDown) {
    for (const name of Object.values(QUEUES)) {
      const q = new Queue(name, { connection: o.redis, prefix: o.prefix });
      q.on('error', () => {});
      try {
        const [counts, workers] = await withTimeout(Promise.all([q.getJobCounts(...QUEUE_STATES), q.getWorkersCount()]), timeoutMs, 'Redis');
        const n = (k: string) => counts[k] ?? 0;
        queues.push({ queue: name, waiting: n('waiting'), active: n('active'), delayed: n('delayed'), failed: n('failed'), workers });
        if (workers === 0) {
          const backlog = n('waiting') + n('delayed');
          problems.push(`queue ${name} has no live worker${backlog ? ` (${backlog} jobs waiting)` : ''}`);
        }
      } catch (err) {
        redisDown = message(err);
        break;
      } finally {
        await withTimeout(q.close(), timeoutMs, 'Redis').catch(() => {});
      }
    }
  }
  if (clickhouseDown)
    problems.unshift(
      o.schemaProblem
        ? `ClickHouse schema not ready (stream state unknown): ${o.schemaProblem}`
        : `ClickHouse unreachable (stream state unknown): ${clickhouseDown}`,
    );
  if (redisDown) problems.unshift(`Redis unreachable (queues and runs unknown): ${redisDown}`);
  return { checkedAt: now.toISOString(), streams, queues, problems };
}

import { QUEUES, RunTracker, ScheduledSince, STREAM_DEFINITIONS, STREAMS, StateRepository } from '@qtp/pipeline';
import { BACKLOG_STATES, type ClickHouseClient, QUEUE_STATES, type QueueState, type RedisConnection, withTimeout } from '@qtp/shared';
import { Queue } from 'bullmq';
import { assessFreshness, firstDueAt, type StaleAfter, staleAfter } from './staleness.ts';

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
  /**
   * ok; stale (last success too old); never (no success although its threshold has passed since its first due run);
   * pending (no success yet, not overdue); unscheduled (no scheduler registered it yet); off (its settings switch it
   * off); unknown (ClickHouse or Redis could not be read).
   */
  state: 'ok' | 'stale' | 'never' | 'pending' | 'unscheduled' | 'off' | 'unknown';
  /** state stale or never: what `--check` reports. */
  stale: boolean;
  /** When its first scheduled run was due (the first fire after the scheduler first registered it). */
  firstDueAt: string | null;
  /** Why its settings switch it off (state off). */
  off: string | null;
  /** Runs holding the stream's locks (incremental/reconcile lane, backfill lane). */
  running: RunningRun[];
};

/** Jobs per state (every BullMQ state: QUEUE_STATES) and live workers of one queue. */
export type QueueStatus = { queue: string; workers: number } & Record<QueueState, number>;

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

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
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
  let since: Record<string, string> | undefined;
  if (!redisDown) {
    try {
      since = await withTimeout(new ScheduledSince(o.redis, o.prefix).all(), timeoutMs, 'Redis');
    } catch (err) {
      redisDown = message(err);
    }
  }
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
      state: 'unknown',
      stale: false,
      firstDueAt: null,
      off: null,
      running: [],
    };
    // A stream its settings switch off (partner tickets without a key) is never stale: it does not run.
    const off = STREAM_DEFINITIONS.find((d) => d.name === stream)?.disabledReason?.(o.settings) ?? null;
    if (off) {
      streams.push({ ...row, state: 'off', off, staleAfterSource: `off: ${off}` });
      continue;
    }
    const scheduledSince = since?.[stream];
    const due = scheduledSince ? firstDueAt(stream, o.settings, new Date(scheduledSince)) : null;
    row.firstDueAt = due?.toISOString() ?? null;
    if (!clickhouseDown) {
      try {
        const st = await withTimeout(state.get(stream), timeoutMs, 'ClickHouse');
        row.highWaterId = st.highWaterId;
        row.watermark = st.watermark;
        row.lastSuccessAt = st.lastSuccessAt;
        row.lastRunId = st.lastRunId || null;
        const f = assessFreshness({ lastSuccessAt: st.lastSuccessAt, firstDueAt: due, staleAfterMs: threshold.ms, now });
        // Without Redis, when (or whether) a never-succeeded stream was first due is unknown.
        row.state = f.state === 'unscheduled' && since === undefined ? 'unknown' : f.state;
        row.stale = f.state === 'stale' || f.state === 'never';
        if (f.state === 'ok' || f.state === 'stale') row.lagSeconds = f.lagMs / 1000;
        if (f.state === 'never')
          problems.push(
            `stream ${stream} has never completed a run: first due ${iso(f.firstDueAt)}, more than ${formatDuration(threshold.ms / 1000)} ago (${threshold.source})`,
          );
        else if (f.state === 'stale')
          problems.push(
            `stream ${stream} is stale: last success ${formatDuration(f.lagMs / 1000)} ago, more than ${formatDuration(threshold.ms / 1000)} (${threshold.source})`,
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
        const n = (k: QueueState) => counts[k] ?? 0;
        queues.push({ queue: name, ...(Object.fromEntries(QUEUE_STATES.map((k) => [k, n(k)])) as Record<QueueState, number>), workers });
        if (workers === 0) {
          const backlog = BACKLOG_STATES.reduce((sum, k) => sum + n(k), 0);
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

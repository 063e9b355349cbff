import { durationSetting, STREAM_DEFINITIONS, STREAMS, schedulerEnv, streamByName } from '@qtp/pipeline';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/** A stream is stale when its last success is older than this many of its scheduled intervals... */
export const STALE_INTERVALS = 3;
/** ...and never sooner than this (a run takes its time too). */
export const MIN_STALE_AFTER_MS = 15 * 60_000;
/** Streams without a `SCHEDULE_<STREAM>` setting and without `STALE_AFTER_<STREAM>`. */
export const DEFAULT_STALE_AFTER_MS = 2 * 3_600_000;

/** The setting of a stream's first (most frequent) job scheduler, from its declaration. */
export const scheduleKey = (stream: string) =>
  (STREAMS as readonly string[]).includes(stream)
    ? (streamByName(stream).schedules[0]?.env ?? '')
    : `SCHEDULE_${stream.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
export const staleAfterKey = (stream: string) => `STALE_AFTER_${stream.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * Settings behind the staleness thresholds, for every stream of STREAMS: its schedule (`SCHEDULE_<STREAM>`, with the
 * scheduler's own default) and an optional override `STALE_AFTER_<STREAM>` (a duration: 20m, 3h...).
 */
export function stalenessEnv(): Record<string, z.ZodType> {
  const shape = schedulerEnv.shape as unknown as Record<string, z.ZodType>;
  const out: Record<string, z.ZodType> = { SCHEDULE_TZ: shape.SCHEDULE_TZ ?? z.string().default('Europe/Moscow') };
  for (const s of STREAMS) {
    const schedule = shape[scheduleKey(s)];
    if (schedule) out[scheduleKey(s)] = schedule;
    out[staleAfterKey(s)] = durationSetting.optional();
  }
  // what a stream's disabledReason reads (e.g. whether a partner key is set)
  for (const d of STREAM_DEFINITIONS) for (const [k, v] of Object.entries(d.settings ?? {})) out[k] ??= v as z.ZodType;
  return out;
}

/** Everything the scheduler process reads: its own settings plus the staleness thresholds of its stream gauges. */
export const schedulerProcessEnv = () => schedulerEnv.extend(stalenessEnv());

const gaps = new Map<string, number>();

/**
 * The longest gap between two consecutive fire times of a cron pattern over the 8 days from `from` (or its first 5000
 * fires, when they come sooner). Memoised per pattern and zone.
 */
export function cronMaxGapMs(pattern: string, tz: string, from: Date = new Date()): number {
  const key = `${pattern}|${tz}`;
  const known = gaps.get(key);
  if (known !== undefined) return known;
  const expr = CronExpressionParser.parse(pattern, { tz, currentDate: from });
  const end = from.getTime() + 8 * 86_400_000;
  let prev = expr.next().toDate().getTime();
  let max = 0;
  for (let i = 0; i < 5_000; i++) {
    const next = expr.next().toDate().getTime();
    max = Math.max(max, next - prev);
    prev = next;
    if (next > end) break;
  }
  gaps.set(key, max);
  return max;
}

export type StaleAfter = { ms: number; source: string };

/** How old a stream's last success may get: the setting, else STALE_INTERVALS × its schedule's longest gap. */
export function staleAfter(stream: string, cfg: Record<string, unknown>, now: Date = new Date()): StaleAfter {
  const override = cfg[staleAfterKey(stream)];
  if (typeof override === 'number') return { ms: override, source: staleAfterKey(stream) };
  const pattern = cfg[scheduleKey(stream)];
  if (typeof pattern !== 'string') return { ms: DEFAULT_STALE_AFTER_MS, source: 'default' };
  const tz = typeof cfg.SCHEDULE_TZ === 'string' ? cfg.SCHEDULE_TZ : 'Europe/Moscow';
  const gap = cronMaxGapMs(pattern, tz, now);
  return { ms: Math.max(MIN_STALE_AFTER_MS, STALE_INTERVALS * gap), source: `${STALE_INTERVALS} × ${scheduleKey(stream)}` };
}

/**
 * When a stream's first scheduled run was due: the first fire of its schedule (`SCHEDULE_<STREAM>`) at or after the
 * instant the scheduler first registered it (`ScheduledSince`); that instant itself for a stream without a schedule.
 */
export function firstDueAt(stream: string, cfg: Record<string, unknown>, scheduledSince: Date): Date {
  const pattern = cfg[scheduleKey(stream)];
  if (typeof pattern !== 'string') return scheduledSince;
  const tz = typeof cfg.SCHEDULE_TZ === 'string' ? cfg.SCHEDULE_TZ : 'Europe/Moscow';
  // cron-parser's next() is strictly after currentDate: start 1 ms before, so a fire at that very instant counts.
  return CronExpressionParser.parse(pattern, { tz, currentDate: new Date(scheduledSince.getTime() - 1) })
    .next()
    .toDate();
}

/** What a stream's freshness says, from its last success or, before the first one, from when it was first due. */
export type Freshness =
  | { state: 'ok' | 'stale'; lagMs: number }
  /** Never succeeded, and its threshold has not yet passed since its first due run (or that run is still ahead). */
  | { state: 'pending'; firstDueAt: Date }
  /** Never succeeded although its threshold has passed since its first due run. */
  | { state: 'never'; firstDueAt: Date; overdueMs: number }
  /** Never succeeded and never scheduled (no scheduler has registered it yet): nothing is due. */
  | { state: 'unscheduled' };

/** The one staleness rule of `pnpm status`, `status --check` and (mirrored in PromQL) ops/prometheus/alerts.yml. */
export function assessFreshness(o: { lastSuccessAt: string | null; firstDueAt: Date | null; staleAfterMs: number; now: Date }): Freshness {
  const now = o.now.getTime();
  if (o.lastSuccessAt) {
    const lagMs = Math.max(0, now - Date.parse(o.lastSuccessAt));
    return { state: lagMs > o.staleAfterMs ? 'stale' : 'ok', lagMs };
  }
  if (!o.firstDueAt) return { state: 'unscheduled' };
  const overdueMs = now - o.firstDueAt.getTime();
  return overdueMs > o.staleAfterMs ? { state: 'never', firstDueAt: o.firstDueAt, overdueMs } : { state: 'pending', firstDueAt: o.firstDueAt };
}

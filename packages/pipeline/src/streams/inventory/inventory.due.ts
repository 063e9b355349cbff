import type { ClickHouseClient } from '@qtp/shared';
import { liveShows } from '../shows/live-shows.repository.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type ShowTimes = { showId: number; eventId: number; startMs: number; endMs: number; lastSnapshotMs: number | null };
export type Cadence = { nearMs: number; weekMs: number; farMs: number };

/** How often a show not yet over is snapshotted, by how close it is: daily far out, hourly within a week, then `nearMs`. */
export function intervalFor(show: ShowTimes, nowMs: number, c: Cadence): number {
  const until = show.startMs - nowMs;
  if (until > 7 * DAY) return c.farMs;
  if (until > DAY) return c.weekMs;
  return c.nearMs;
}

/**
 * Pure: the shows due for a snapshot now, most overdue first, at most `budget`. A show never snapshotted is due once
 * whatever its dates (history gets a figure); a show not over is due when its interval has passed; a show that ended
 * is due once more for a final snapshot after its end, then never again.
 */
export function dueShows(shows: ShowTimes[], nowMs: number, c: Cadence, budget: number): ShowTimes[] {
  const due: Array<{ show: ShowTimes; urgency: number }> = [];
  for (const show of shows) {
    if (show.lastSnapshotMs === null) {
      due.push({ show, urgency: Number.POSITIVE_INFINITY });
    } else if (nowMs < show.endMs) {
      const interval = intervalFor(show, nowMs, c);
      const age = nowMs - show.lastSnapshotMs;
      if (age >= interval) due.push({ show, urgency: age / interval });
    } else if (show.lastSnapshotMs < show.endMs) {
      due.push({ show, urgency: (nowMs - show.endMs) / c.nearMs + 1 });
    }
  }
  return due
    .sort((a, b) => b.urgency - a.urgency || a.show.startMs - b.show.startMs)
    .slice(0, budget)
    .map((d) => d.show);
}

/** Live shows with their last snapshot. */
export async function showTimes(ch: ClickHouseClient): Promise<ShowTimes[]> {
  return (await liveShows(ch, { table: 'stg_qtickets_api_inventory_raw', column: 'snapshot_at' })).map(({ lastMs, ...s }) => ({
    ...s,
    lastSnapshotMs: lastMs,
  }));
}

import type { ClickHouseClient } from '@qtp/shared';
import { DateTime } from 'luxon';

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

const ms = (v: string | null) => (v ? DateTime.fromSQL(v, { zone: 'UTC' }).toMillis() : null);

/** Live shows (from the events stream) with their last snapshot. A show without a finish time ends 3 h after it starts. */
export async function showTimes(ch: ClickHouseClient): Promise<ShowTimes[]> {
  const rs = await ch.query({
    query: `SELECT s.show_id AS show_id, s.event_id AS event_id, toString(s.start_at) AS start_at,
                   toString(ifNull(s.finish_at, s.start_at + INTERVAL 3 HOUR)) AS end_at, toString(l.last) AS last
            FROM (SELECT show_id, event_id, start_at, finish_at FROM stg_qtickets_api_shows FINAL
                  WHERE deleted_at IS NULL AND event_deleted_at IS NULL) AS s
            LEFT JOIN (SELECT show_id, max(snapshot_at) AS last FROM stg_qtickets_api_inventory_raw GROUP BY show_id) AS l
              ON l.show_id = s.show_id
            SETTINGS join_use_nulls = 1`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ show_id: string; event_id: string; start_at: string; end_at: string; last: string | null }>();
  return rows.map((r) => ({
    showId: Number(r.show_id),
    eventId: Number(r.event_id),
    startMs: ms(r.start_at) ?? 0,
    endMs: ms(r.end_at) ?? 0,
    lastSnapshotMs: ms(r.last),
  }));
}

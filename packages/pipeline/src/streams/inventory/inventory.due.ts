import type { ClickHouseClient } from '@qtp/shared';
import { liveShows, ms } from '../shows/live-shows.repository.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * How long after its event's soft deletion a show with sales is tried for its final snapshot. The contract does not
 * say whether `/shows/{id}/seats` still answers for a deleted event (a "not found" writes nothing, so the show stays
 * due): bounded, so an API that no longer serves it costs a request per run for this long, not forever.
 */
export const FINAL_SNAPSHOT_WINDOW_MS = 2 * DAY;

/**
 * `deletedAtMs`: set for a show whose event was soft-deleted after it sold tickets (its paid orders still count as
 * sales, contract §Q10): such a show is due once for a final snapshot, then never again.
 */
export type ShowTimes = { showId: number; eventId: number; startMs: number; endMs: number; lastSnapshotMs: number | null; deletedAtMs?: number | null };
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
 * is due once more for a final snapshot after its end, then never again. A show of an event deleted after sales is
 * due once for a final snapshot after the deletion (within FINAL_SNAPSHOT_WINDOW_MS of it), then never again.
 */
export function dueShows(shows: ShowTimes[], nowMs: number, c: Cadence, budget: number): ShowTimes[] {
  const due: Array<{ show: ShowTimes; urgency: number }> = [];
  for (const show of shows) {
    if (show.deletedAtMs != null) {
      const snapshotSince = show.lastSnapshotMs !== null && show.lastSnapshotMs >= show.deletedAtMs;
      if (!snapshotSince && nowMs - show.deletedAtMs <= FINAL_SNAPSHOT_WINDOW_MS) due.push({ show, urgency: Number.MAX_VALUE });
    } else if (show.lastSnapshotMs === null) {
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

/** Live shows, and shows of events soft-deleted after they sold tickets, with their last snapshot. */
export async function showTimes(ch: ClickHouseClient): Promise<ShowTimes[]> {
  const live = (await liveShows(ch, { table: 'stg_qtickets_api_inventory_raw', column: 'snapshot_at' })).map(({ lastMs, ...s }) => ({
    ...s,
    lastSnapshotMs: lastMs,
  }));
  return [...live, ...(await deletedEventShowsWithSales(ch))];
}

/** Shows (not deleted themselves) of soft-deleted events with at least one sold ticket, with deletion and last snapshot. */
export async function deletedEventShowsWithSales(ch: ClickHouseClient): Promise<ShowTimes[]> {
  const rs = await ch.query({
    query: `SELECT s.show_id AS show_id, s.event_id AS event_id, toString(s.start_at) AS start_at,
                   toString(ifNull(s.finish_at, s.start_at + INTERVAL 3 HOUR)) AS end_at, toString(s.event_deleted_at) AS deleted_at,
                   toString(l.last) AS last
            FROM (SELECT show_id, event_id, start_at, finish_at, event_deleted_at FROM stg_qtickets_api_shows FINAL
                  WHERE deleted_at IS NULL AND event_deleted_at IS NOT NULL) AS s
            INNER JOIN (SELECT DISTINCT show_id FROM stg_qtickets_api_order_lines FINAL WHERE is_sold = 1) AS sold ON sold.show_id = s.show_id
            LEFT JOIN (SELECT show_id, max(snapshot_at) AS last FROM stg_qtickets_api_inventory_raw GROUP BY show_id) AS l ON l.show_id = s.show_id
            SETTINGS join_use_nulls = 1`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ show_id: string; event_id: string; start_at: string; end_at: string; deleted_at: string; last: string | null }>();
  return rows.map((r) => ({
    showId: Number(r.show_id),
    eventId: Number(r.event_id),
    startMs: ms(r.start_at) ?? 0,
    endMs: ms(r.end_at) ?? 0,
    lastSnapshotMs: ms(r.last),
    deletedAtMs: ms(r.deleted_at),
  }));
}

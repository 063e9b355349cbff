import type { ClickHouseClient } from '@qtp/shared';
import { DateTime } from 'luxon';
import type { RunMode } from '../stream.ts';

export type PartnerShow = { showId: number; eventId: number; endMs: number; lastRefreshMs: number | null };
export type PartnerCadence = {
  /** A show still selling (or settling) is read again once its last read is this old. */
  intervalMs: number;
  /** After its end a show keeps being read this long (late refunds); then only reconcile runs read it. */
  settleMs: number;
};

/**
 * Pure: the shows whose partner tickets are read this run, most stale first (never-read shows first), at most
 * `budget`. Incremental: never-read shows, and shows not yet settled (end + settle) whose last read is older than the
 * interval. Reconcile: every show, whatever its dates (the nightly full refresh; vanished tickets are marked after it).
 */
export function duePartnerShows(shows: PartnerShow[], nowMs: number, c: PartnerCadence, budget: number, mode: RunMode): PartnerShow[] {
  const due: Array<{ show: PartnerShow; urgency: number }> = [];
  for (const show of shows) {
    if (show.lastRefreshMs === null) {
      due.push({ show, urgency: Number.POSITIVE_INFINITY });
      continue;
    }
    const age = nowMs - show.lastRefreshMs;
    if (mode === 'reconcile') due.push({ show, urgency: age / c.intervalMs });
    else if (nowMs < show.endMs + c.settleMs && age >= c.intervalMs) due.push({ show, urgency: age / c.intervalMs });
  }
  return due
    .sort((a, b) => b.urgency - a.urgency || a.show.endMs - b.show.endMs || a.show.showId - b.show.showId)
    .slice(0, Math.max(0, budget))
    .map((d) => d.show);
}

const ms = (v: string | null) => (v ? DateTime.fromSQL(v, { zone: 'UTC' }).toMillis() : null);

/**
 * Every show the events stream knows (soft-deleted ones too: their partner tickets still exist, flagged deleted), with
 * its last partner-ticket read. A show without a finish time ends 3 h after it starts.
 */
export async function partnerShows(ch: ClickHouseClient): Promise<PartnerShow[]> {
  const rs = await ch.query({
    query: `SELECT s.show_id AS show_id, s.event_id AS event_id, toString(ifNull(s.finish_at, s.start_at + INTERVAL 3 HOUR)) AS end_at,
                   toString(r.last) AS last
            FROM (SELECT show_id, event_id, start_at, finish_at FROM stg_qtickets_api_shows FINAL) AS s
            LEFT JOIN (SELECT event_id, show_id, max(refreshed_at) AS last FROM stg_qtickets_partner_ticket_refreshes GROUP BY event_id, show_id) AS r
              ON r.event_id = s.event_id AND r.show_id = s.show_id
            SETTINGS join_use_nulls = 1`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ show_id: string; event_id: string; end_at: string; last: string | null }>();
  return rows.map((r) => ({ showId: Number(r.show_id), eventId: Number(r.event_id), endMs: ms(r.end_at) ?? 0, lastRefreshMs: ms(r.last) }));
}

import type { ClickHouseClient } from '@qtp/shared';
import { DateTime } from 'luxon';
import { IDENT } from '../../common/sql.ts';

/** A live show (from the events stream) with the last time a per-show stream read it. */
export type LiveShow = { showId: number; eventId: number; startMs: number; endMs: number; lastMs: number | null };

/** A ClickHouse `toString(DateTime64)` in UTC as epoch ms (null stays null). */
export const ms = (v: string | null) => (v ? DateTime.fromSQL(v, { zone: 'UTC' }).toMillis() : null);

/**
 * Shows not deleted (nor their event), each with `max(<column>)` of a per-show stream's table: when it last read the
 * show (null: never). A show without a finish time ends 3 h after it starts.
 */
export async function liveShows(ch: ClickHouseClient, last: { table: string; column: string }): Promise<LiveShow[]> {
  if (!IDENT.test(last.table) || !IDENT.test(last.column)) throw new Error(`bad identifier: ${JSON.stringify(last)}`);
  const rs = await ch.query({
    query: `SELECT s.show_id AS show_id, s.event_id AS event_id, toString(s.start_at) AS start_at,
                   toString(ifNull(s.finish_at, s.start_at + INTERVAL 3 HOUR)) AS end_at, toString(l.last) AS last
            FROM (SELECT show_id, event_id, start_at, finish_at FROM stg_qtickets_api_shows FINAL
                  WHERE deleted_at IS NULL AND event_deleted_at IS NULL) AS s
            LEFT JOIN (SELECT show_id, max(${last.column}) AS last FROM ${last.table} GROUP BY show_id) AS l
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
    lastMs: ms(r.last),
  }));
}

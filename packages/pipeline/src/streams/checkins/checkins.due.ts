import type { ClickHouseClient } from '@qtp/shared';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { liveShows } from '../shows/live-shows.repository.ts';
import type { RunMode } from '../stream.ts';

const HOUR = 3_600_000;
/** A show longer than this (an exhibition, a festival pass) is polled at the long interval: its scans spread over days. */
export const LONG_SHOW_MS = 24 * HOUR;

export type CheckinShow = { showId: number; eventId: number; startMs: number; endMs: number; lastListedMs: number | null };

export type CheckinCadence = {
  /** The window around a show in which its barcodes are listed and polled: [start − before, end + after]. */
  beforeMs: number;
  afterMs: number;
  /** A show's barcode list is read again once its last read is this old. */
  listIntervalMs: number;
  /** An unscanned barcode is polled again once its last poll is this old (LONG for shows longer than a day). */
  pollIntervalMs: number;
  longPollIntervalMs: number;
};

export const inWindow = (s: CheckinShow, nowMs: number, c: CheckinCadence): boolean => nowMs >= s.startMs - c.beforeMs && nowMs <= s.endMs + c.afterMs;

export const pollIntervalFor = (s: CheckinShow, c: CheckinCadence): number => (s.endMs - s.startMs > LONG_SHOW_MS ? c.longPollIntervalMs : c.pollIntervalMs);

/**
 * Pure: the in-window shows whose barcode list is due, most stale first (never listed first), at most `budget`.
 * A reconcile run lists every show in its window whatever its last list.
 */
export function dueLists(shows: CheckinShow[], nowMs: number, c: CheckinCadence, budget: number, mode: RunMode): CheckinShow[] {
  return shows
    .filter((s) => inWindow(s, nowMs, c))
    .map((s) => ({ s, age: s.lastListedMs === null ? Number.POSITIVE_INFINITY : nowMs - s.lastListedMs }))
    .filter(({ age }) => mode === 'reconcile' || age >= c.listIntervalMs)
    .sort((a, b) => b.age - a.age || a.s.startMs - b.s.startMs || a.s.showId - b.s.showId)
    .slice(0, Math.max(0, budget))
    .map(({ s }) => s);
}

/** Live shows with their last barcode list. */
export async function checkinShows(ch: ClickHouseClient): Promise<CheckinShow[]> {
  return (await liveShows(ch, { table: 'stg_qtickets_api_barcode_lists', column: 'listed_at' })).map(({ lastMs, ...s }) => ({ ...s, lastListedMs: lastMs }));
}

export type ScanCandidate = { showId: number; eventId: number; barcodeHash: string; token: string; zoneName: string; seatName: string };

/**
 * The barcodes to poll this run, most urgent first, at most `limit`: valid (in their show's latest list) and not seen
 * scanned, of the given in-window shows. Urgency = time since the last poll / the show's poll interval (a barcode
 * never polled comes first); ties go to short shows (their scans cluster around the start). Only due ones (urgency
 * ≥ 1) unless `all` (a reconcile run).
 */
export async function scanCandidates(
  ch: ClickHouseClient,
  shows: Array<{ showId: number; intervalMs: number }>,
  nowMs: number,
  limit: number,
  all: boolean,
): Promise<ScanCandidate[]> {
  if (shows.length === 0 || limit <= 0) return [];
  const rs = await ch.query({
    query: `SELECT show_id, event_id, barcode_hash, token, zone_name, seat_name
            FROM
            (
                SELECT b.show_id AS show_id, b.event_id AS event_id, b.barcode_hash AS barcode_hash, b.barcode_token AS token,
                       b.zone_name AS zone_name, b.seat_name AS seat_name,
                       {intervals:Array(UInt64)}[indexOf({shows:Array(UInt64)}, b.show_id)] AS interval_ms,
                       if(c.polled_at IS NULL, 1e18,
                          dateDiff('millisecond', assumeNotNull(c.polled_at), toDateTime64({now:String}, 3, 'UTC')) / interval_ms) AS urgency
                FROM (SELECT show_id, event_id, barcode_hash, barcode_token, zone_name, seat_name
                      FROM stg_qtickets_api_barcodes FINAL WHERE is_valid = 1 AND has({shows:Array(UInt64)}, show_id)) AS b
                LEFT JOIN (SELECT show_id, barcode_hash, polled_at, checked_at
                           FROM stg_qtickets_api_checkins FINAL WHERE has({shows:Array(UInt64)}, show_id)) AS c
                    ON c.show_id = b.show_id AND c.barcode_hash = b.barcode_hash
                WHERE c.checked_at IS NULL
            )
            WHERE {all:UInt8} = 1 OR urgency >= 1
            ORDER BY urgency DESC, interval_ms ASC, show_id ASC, barcode_hash ASC
            LIMIT {limit:UInt32}
            SETTINGS join_use_nulls = 1`,
    query_params: {
      shows: shows.map((s) => s.showId),
      intervals: shows.map((s) => s.intervalMs),
      now: toClickHouseUtc(new Date(nowMs).toISOString()),
      limit,
      all: all ? 1 : 0,
    },
    format: 'JSONEachRow',
  });
  return candidates(await rs.json<CandidateRow>());
}

/**
 * The barcodes a list read of this run returned that are valid and were never polled (so never seen scanned), at
 * most `limit`: the polls that list's follow-ups add to the same run.
 */
export async function newlyListed(ch: ClickHouseClient, showId: number, runId: string, limit: number): Promise<ScanCandidate[]> {
  if (limit <= 0) return [];
  const rs = await ch.query({
    query: `SELECT b.show_id AS show_id, b.event_id AS event_id, b.barcode_hash AS barcode_hash, b.barcode_token AS token,
                   b.zone_name AS zone_name, b.seat_name AS seat_name
            FROM (SELECT show_id, event_id, barcode_hash, barcode_token, zone_name, seat_name
                  FROM stg_qtickets_api_barcodes FINAL WHERE show_id = {show:UInt64} AND is_valid = 1 AND _run_id = {runId:String}) AS b
            LEFT JOIN (SELECT barcode_hash, polled_at FROM stg_qtickets_api_checkins FINAL WHERE show_id = {show:UInt64}) AS c
              ON c.barcode_hash = b.barcode_hash
            WHERE c.polled_at IS NULL
            ORDER BY barcode_hash
            LIMIT {limit:UInt32}
            SETTINGS join_use_nulls = 1`,
    query_params: { show: showId, runId, limit },
    format: 'JSONEachRow',
  });
  return candidates(await rs.json<CandidateRow>());
}

type CandidateRow = { show_id: string; event_id: string; barcode_hash: string; token: string; zone_name: string; seat_name: string };

const candidates = (rows: CandidateRow[]): ScanCandidate[] =>
  rows.map((r) => ({
    showId: Number(r.show_id),
    eventId: Number(r.event_id),
    barcodeHash: r.barcode_hash,
    token: r.token,
    zoneName: r.zone_name,
    seatName: r.seat_name,
  }));

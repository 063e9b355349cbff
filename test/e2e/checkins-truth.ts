import { barcodeHash, toClickHouseUtc } from '@qtp/pipeline';
import { expect } from 'vitest';
import { type Harness, PII_SALT } from './pipeline-harness.ts';

/** Check-ins as the warehouse has them vs the simulator's truth (shared by the check-ins e2e tests). */
export const LIST = 'GET /shows/:id/barcodes';
export const SCAN = 'GET /shows/:id/barcode/:barcode';

export type Attendance = { show_id: number; valid: number; checked: number };

/** Requests one endpoint template got since the counters were read last. */
export function spent(h: Harness, before: ReturnType<Harness['sim']['requests']>, key: string): number {
  const sum = (c: ReturnType<Harness['sim']['requests']>) => Object.values(c.byEndpoint[key] ?? {}).reduce((n, v) => n + v, 0);
  return sum(h.sim.requests()) - sum(before);
}

/** Shows in the check-in window (2 h before start … 4 h after end) at the simulator's clock, from our shows table. */
export async function windowShows(h: Harness): Promise<number[]> {
  const rs = await h.ch.client.query({
    query: `SELECT show_id FROM stg_qtickets_api_shows FINAL
            WHERE deleted_at IS NULL AND event_deleted_at IS NULL
              AND start_at - INTERVAL 2 HOUR <= toDateTime64({now:String}, 3, 'UTC')
              AND ifNull(finish_at, start_at + INTERVAL 3 HOUR) + INTERVAL 4 HOUR >= toDateTime64({now:String}, 3, 'UTC')
            ORDER BY show_id`,
    query_params: { now: toClickHouseUtc(h.sim.now()) },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ show_id: string }>()).map((r) => Number(r.show_id));
}

export async function attendance(h: Harness): Promise<Attendance[]> {
  const rs = await h.ch.client.query({ query: 'SELECT show_id, tickets_valid, checked_in FROM v_attendance_by_show ORDER BY show_id', format: 'JSONEachRow' });
  return (await rs.json<Record<string, string>>()).map((r) => ({ show_id: Number(r.show_id), valid: Number(r.tickets_valid), checked: Number(r.checked_in) }));
}

export function truth(h: Harness, ids: number[]): Attendance[] {
  const set = new Set(ids);
  return h.sim
    .truth()
    .checkins.filter((c) => set.has(c.show_id))
    .map((c) => ({ show_id: c.show_id, valid: c.valid_barcodes, checked: c.checked_in }))
    .sort((a, b) => a.show_id - b.show_id);
}

/** Per show: every scanned barcode (as its hash) with its scan instant, ours vs the simulator's. */
export async function expectScansPerBarcode(h: Harness, ids: number[]) {
  const rs = await h.ch.client.query({
    query: `SELECT c.show_id AS show_id, c.barcode_hash AS h, toString(c.checked_at) AS at
            FROM (SELECT show_id, barcode_hash, checked_at FROM stg_qtickets_api_checkins FINAL WHERE checked_at IS NOT NULL) AS c
            INNER JOIN (SELECT show_id, barcode_hash FROM stg_qtickets_api_barcodes FINAL WHERE is_valid = 1) AS v
              ON v.show_id = c.show_id AND v.barcode_hash = c.barcode_hash
            ORDER BY show_id, h`,
    format: 'JSONEachRow',
  });
  const ours = (await rs.json<{ show_id: string; h: string; at: string }>()).map((r) => `${r.show_id}|${r.h}|${r.at}`);
  const expected = ids
    .flatMap((id) =>
      h.sim
        .barcodeCheckins(id)
        .filter((b) => b.checked_at !== null)
        .map((b) => `${id}|${barcodeHash(PII_SALT, b.barcode)}|${toClickHouseUtc(b.checked_at as string)}`),
    )
    .sort();
  expect(ours.sort()).toEqual(expected);
}

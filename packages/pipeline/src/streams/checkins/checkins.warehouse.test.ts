import { createLogger } from '@qtp/shared';
import { type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showRow } from '../../../test/fixtures.ts';
import { barcodeHash } from '../../common/barcode-secret.ts';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { schedulerEnv } from '../../config/env.ts';
import type { PlannedItem, RunMode } from '../stream.ts';
import { checkinsStream } from './checkins.stream.ts';
import { CHECKIN_TABLES, transformCheckinRecord } from './checkins.transform.ts';

/** The scheduler-side planning and the writer-side vanish marking of the checkins stream, against a real ClickHouse. */
const SALT = 'unit-salt-0123456789';
const H = 3_600_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const log = createLogger({ name: 'checkins-test', level: 'silent' });
const iso = (ms: number) => new Date(ms).toISOString();
const code = (show: number, i: number) => `87${show}${String(i).padStart(4, '0')}`;

async function insert(ch: TestClickHouse, table: string, rows: Array<Record<string, unknown>>) {
  if (rows.length > 0) await ch.client.insert({ table, values: rows, format: 'JSONEachRow' });
}

/** Rows a list read of `showId` with barcodes `codes` produces (as the transformer makes them). */
function listRows(showId: number, codes: string[], runId: string, atMs: number) {
  const ctx = { fetchedAt: iso(atMs), runId, parent: { kind: 'list', show_id: showId, event_id: 9 } };
  const out: Record<string, Array<Record<string, unknown>>> = {};
  const records = [{ list: { count: codes.length } }, ...codes.map((c) => ({ barcode: { barcode: c, seat_name: 'seat', zone_name: 'Z', price: 100 } }))];
  for (const raw of records) {
    const r = transformCheckinRecord(checkinsStream.sanitize(raw, { piiSalt: SALT }), ctx);
    if (r.kind !== 'rows') throw new Error(r.reason);
    for (const [t, rows] of Object.entries(r.rows)) out[t] = [...(out[t] ?? []), ...rows];
  }
  return out;
}

function scanRow(showId: number, c: string, polledMs: number, checkedAt: string | null) {
  const at = toClickHouseUtc(iso(polledMs));
  return {
    show_id: showId,
    event_id: 9,
    barcode_hash: barcodeHash(SALT, c),
    zone_name: 'Z',
    seat_name: '',
    checked_at: checkedAt,
    checked_date_msk: null,
    polled_at: at,
    _ver: at,
  };
}

describe('checkins against ClickHouse: planning and vanished barcodes', () => {
  let ch: TestClickHouse;
  const config = (over: Record<string, string> = {}) =>
    schedulerEnv.parse({ REDIS_URL: 'redis://127.0.0.1:6379', CLICKHOUSE_URL: 'http://127.0.0.1:8123', ...over }) as Record<string, unknown>;
  const plan = async (mode: RunMode, over: Record<string, string> = {}, nowMs = NOW): Promise<PlannedItem[]> => {
    const state = { stream: 'checkins', highWaterId: 0, pagingTotal: 0, watermark: null, cursor: '', lastRunId: '', lastSuccessAt: null };
    const p = await checkinsStream.sync.prepare({ stream: 'checkins', mode, state, clickhouse: ch.client, config: config(over), now: new Date(nowMs) });
    return ((p?.items ?? []) as PlannedItem[]).map((i) => ({ ...i, query: 'item' }));
  };

  beforeAll(async () => {
    ch = await testWarehouse('checkins');
    // 1: running now (in the window); 2: an exhibition on for months (in); 3: starts in 3 h (not yet); 4: ended 5 h ago (out)
    await insert(ch, 'stg_qtickets_api_shows', [
      showRow(1, NOW - H, NOW + H),
      showRow(2, NOW - 30 * 24 * H, NOW + 200 * 24 * H),
      showRow(3, NOW + 3 * H, NOW + 5 * H),
      showRow(4, NOW - 7 * H, NOW - 5 * H),
    ]);
  });
  afterAll(async () => ch?.close());

  it('first plans one list per in-window show, no scans (nothing listed yet)', async () => {
    const items = await plan('incremental');
    expect(items.map((i) => i.key).sort()).toEqual(['ls1', 'ls2']);
    expect(await plan('incremental', {}, NOW + 3 * H - 2 * H + 1)).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'ls3' })]));
  });

  it('then polls valid, unscanned barcodes, most urgent first, within the budget', async () => {
    const run1 = { ...listRows(1, [code(1, 1), code(1, 2), code(1, 3)], 'r1', NOW - 60_000) };
    const run1b = listRows(2, [code(2, 1), code(2, 2)], 'r1', NOW - 60_000);
    for (const rows of [run1, run1b]) for (const [t, r] of Object.entries(rows)) await insert(ch, t, r);
    // 1/1 scanned (never again), 1/2 polled 1 min ago (not due), 2/1 polled 2 h ago (due: long show, 1 h interval), 2/2 polled 10 min ago
    await insert(ch, CHECKIN_TABLES.checkins, [
      scanRow(1, code(1, 1), NOW - 10 * 60_000, '2026-11-20 11:30:00.000'),
      scanRow(1, code(1, 2), NOW - 60_000, null),
      scanRow(2, code(2, 1), NOW - 2 * H, null),
      scanRow(2, code(2, 2), NOW - 10 * 60_000, null),
    ]);
    const items = await plan('incremental');
    // lists were read a minute ago: not due; 1/3 never polled comes first, then 2/1
    expect(items.map((i) => i.key)).toEqual([`sc1-${barcodeHash(SALT, code(1, 3))}`, `sc2-${barcodeHash(SALT, code(2, 1))}`]);
    expect(items[0]?.parent).toMatchObject({ kind: 'scan', show_id: 1, event_id: 9, zone_name: 'Z', seat_name: 'seat' });
    expect(JSON.stringify(items)).not.toContain(code(1, 3));
    expect((await plan('incremental', { CHECKINS_MAX_REQUESTS_PER_RUN: '1' })).map((i) => i.key)).toEqual([`sc1-${barcodeHash(SALT, code(1, 3))}`]);
    // reconcile: every in-window list, then every unscanned barcode whatever its last poll, within the budget
    const all = (await plan('reconcile')).map((i) => i.key);
    expect(all.slice(0, 2).sort()).toEqual(['ls1', 'ls2']);
    expect(all.slice(2).length).toBe(4);
    expect(all).not.toContain(`sc1-${barcodeHash(SALT, code(1, 1))}`);
    expect((await plan('reconcile', { CHECKINS_MAX_REQUESTS_PER_RUN: '3' })).length).toBe(3);
  });

  it('a complete run marks the barcodes its lists dropped invalid, only for the shows it listed', async () => {
    const rows = listRows(1, [code(1, 1), code(1, 3)], 'r2', NOW);
    for (const [t, r] of Object.entries(rows)) await insert(ch, t, r);
    await checkinsStream.sync.complete?.({
      tables: checkinsStream.tables,
      clickhouse: ch.client,
      run: { runId: 'r2' } as Parameters<NonNullable<typeof checkinsStream.sync.complete>>[0]['run'],
      now: new Date(NOW + 60_000),
      log,
    });
    const rs = await ch.client.query({
      query: `SELECT show_id, barcode_hash, is_valid, vanished_at IS NOT NULL AS vanished FROM ${CHECKIN_TABLES.barcodes} FINAL ORDER BY show_id, barcode_hash`,
      format: 'JSONEachRow',
    });
    const state = await rs.json<{ show_id: string; barcode_hash: string; is_valid: number; vanished: number }>();
    const valid = (s: number, c: string) => state.find((r) => Number(r.show_id) === s && r.barcode_hash === barcodeHash(SALT, c))?.is_valid;
    expect([valid(1, code(1, 1)), valid(1, code(1, 2)), valid(1, code(1, 3)), valid(2, code(2, 1)), valid(2, code(2, 2))]).toEqual([1, 0, 1, 1, 1]);
    // the attendance view counts valid barcodes and the scanned ones among them
    const view = await (
      await ch.client.query({
        query: 'SELECT show_id, tickets_valid, checked_in, attendance_pct FROM v_attendance_by_show ORDER BY show_id',
        format: 'JSONEachRow',
      })
    ).json();
    expect(view).toEqual([
      { show_id: '1', tickets_valid: '2', checked_in: '1', attendance_pct: 50 },
      { show_id: '2', tickets_valid: '2', checked_in: '0', attendance_pct: 0 },
    ]);
    const buckets = await (
      await ch.client.query({ query: 'SELECT show_id, toString(bucket_start_msk) AS b, checkins FROM v_checkins_15m', format: 'JSONEachRow' })
    ).json();
    expect(buckets).toEqual([{ show_id: '1', b: '2026-11-20 14:30:00', checkins: '1' }]);
  });
});

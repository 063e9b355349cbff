import { type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toClickHouseUtc } from '../src/common/moscow-time.ts';
import { dueShows, showTimes } from '../src/streams/inventory/inventory.due.ts';
import { INVENTORY_TABLE, transformInventory } from '../src/streams/inventory/inventory.transform.ts';

/** The inventory stream's due shows against a real ClickHouse: a show whose event was soft-deleted after sales. */
const H = 3_600_000;
const NOW = Date.parse('2026-11-20T12:00:00Z');
const at = (ms: number) => toClickHouseUtc(new Date(ms).toISOString());
const cadence = { nearMs: 5 * 60_000, weekMs: H, farMs: 24 * H };

function show(showId: number, eventId: number, eventDeletedMs: number | null) {
  const start = at(NOW + 5 * 24 * H);
  return {
    show_id: showId,
    event_id: eventId,
    event_name: `e${eventId}`,
    event_is_active: 1,
    event_deleted_at: eventDeletedMs === null ? null : at(eventDeletedMs),
    place_name: '',
    city_name: '',
    city_timezone: 'Europe/Moscow',
    show_name: '',
    show_is_active: 1,
    start_at: start,
    finish_at: null,
    open_at: null,
    sale_start_at: null,
    sale_finish_at: null,
    show_date_msk: '2026-11-25',
    show_date_local: '2026-11-25',
    created_at: at(NOW - 30 * 24 * H),
    updated_at: at(NOW - H),
    deleted_at: null,
    _ver: at(NOW - H),
  };
}

function line(basketId: number, showId: number, eventId: number) {
  const paid = at(NOW - 3 * 24 * H);
  return {
    basket_id: basketId,
    order_id: basketId,
    event_id: eventId,
    show_id: showId,
    seat_id: `s${basketId}`,
    seat_name: 'A;1',
    zone_key: 'z',
    multiprice_code: '',
    quantity: 1,
    original_price: '1000.00',
    discount_value: '0.00',
    price: '1000.00',
    ticket_amount: '1000.00',
    service_fee_amount: '0.00',
    order_payed: 1,
    order_payed_at: paid,
    is_sold: 1,
    is_refunded: 0,
    is_cancelled: 0,
    checked_at: null,
    refunded_at: null,
    refunded_amount: null,
    refunded_deduction_amount: null,
    created_at: paid,
    updated_at: paid,
    deleted_at: null,
    order_created_at: paid,
    sale_date_msk: '2026-11-17',
    refund_date_msk: null,
    _ver: paid,
  };
}

describe('a show whose event was soft-deleted after sales', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testWarehouse('inv');
    // 1: live; 2: event deleted an hour ago, 1 ticket sold; 3: event deleted, nothing sold.
    await ch.client.insert({ table: 'stg_qtickets_api_shows', values: [show(1, 10, null), show(2, 20, NOW - H), show(3, 30, NOW - H)], format: 'JSONEachRow' });
    await ch.client.insert({ table: 'stg_qtickets_api_order_lines', values: [line(100, 1, 10), line(200, 2, 20)], format: 'JSONEachRow' });
  });
  afterAll(async () => ch?.close());

  it('gets one final snapshot, then shows in v_sell_through_by_show with its sales, and is never due again', async () => {
    const first = dueShows(await showTimes(ch.client), NOW, cadence, 100).map((s) => s.showId);
    expect(first.sort()).toEqual([1, 2]);
    // The snapshot the API still serves: 100 seats, 1 sold.
    const fetchedAt = new Date(NOW).toISOString();
    const zones = [{ zone_id: '5', zone_name: 'Hall', seats: 100, admission_entries: 0, capacity: 100, sold: 1, held: 0, free: 99 }];
    const r = transformInventory({ shape: 'flat', zones }, { fetchedAt, runId: 'r1', parent: { show_id: 2, event_id: 20 } } as never);
    if (r.kind !== 'rows') throw new Error('quarantined');
    await ch.client.insert({ table: INVENTORY_TABLE, values: r.rows[INVENTORY_TABLE] ?? [], format: 'JSONEachRow' });
    const rs = await ch.client.query({
      query: 'SELECT show_id, capacity, sold, toString(revenue) AS revenue FROM v_sell_through_by_show',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ show_id: '2', capacity: '100', sold: '1', revenue: '1000' }]);
    const later = dueShows(await showTimes(ch.client), NOW + 6 * H, cadence, 100).map((s) => s.showId);
    expect(later).toEqual([1]);
  });
});

import { parseApiJson } from '@qtp/qtickets-client';
import { fixtureText } from '@qtp/testing/fixtures';
import { toClickHouseUtc } from '../src/common/moscow-time.ts';

/** A QTickets API fixture (docs/qtickets-api/fixtures/) parsed as the client reads responses: fractional money keeps its exact source text. */
export function fixture<T = unknown>(name: string): T {
  return parseApiJson(fixtureText(name)) as T;
}

export type Envelope = { data: Array<Record<string, unknown>> };
export const fixtureOrders = (): Array<Record<string, unknown>> => [
  ...fixture<Envelope>('orders.page1.json').data,
  ...fixture<Envelope>('orders.page2.json').data,
];

/** A row of stg_qtickets_api_shows (event 9) running from `startMs` to `endMs`. */
export function showRow(showId: number, startMs: number, endMs: number) {
  const at = toClickHouseUtc(new Date(startMs).toISOString());
  return {
    show_id: showId,
    event_id: 9,
    event_name: `e${showId}`,
    event_is_active: 1,
    event_deleted_at: null,
    place_name: '',
    city_name: '',
    city_timezone: 'Europe/Moscow',
    show_name: '',
    show_is_active: 1,
    start_at: at,
    finish_at: toClickHouseUtc(new Date(endMs).toISOString()),
    open_at: null,
    sale_start_at: null,
    sale_finish_at: null,
    show_date_msk: '2026-11-20',
    show_date_local: '2026-11-20',
    created_at: at,
    updated_at: at,
    deleted_at: null,
    _ver: at,
  };
}

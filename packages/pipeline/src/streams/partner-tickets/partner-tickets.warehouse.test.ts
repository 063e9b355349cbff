import { createLogger } from '@qtp/shared';
import { type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompleteContext } from '../stream.ts';
import { partnerTicketsStream } from './partner-tickets.stream.ts';
import { PARTNER_TABLES, transformPartnerRecord } from './partner-tickets.transform.ts';

/** Vanished partner tickets and the sales-by-channel view, against a real ClickHouse. */
const SALT = 'unit-salt-0123456789';
const log = createLogger({ name: 'partner-test', level: 'silent' });

type Ticket = { id: number | string; paid: 0 | 1; paid_at: string | null; price: number | string };

/** Rows one read of a show produces (as the transformer makes them). */
function readRows(showId: number, tickets: Ticket[], runId: string, fetchedAt: string) {
  const ctx = { fetchedAt, runId, parent: { event_id: 9, show_id: showId } };
  const out: Record<string, Array<Record<string, unknown>>> = {};
  const records = [{ refresh: { tickets: tickets.length, outcome: 'ok' } }, ...tickets.map((t) => ({ ticket: { seat_id: 'Z-1;1', deleted: 0, ...t } }))];
  for (const raw of records) {
    const r = transformPartnerRecord(partnerTicketsStream.sanitize(raw, { piiSalt: SALT }), ctx);
    if (r.kind !== 'rows') throw new Error(r.reason);
    for (const [t, rows] of Object.entries(r.rows)) out[t] = [...(out[t] ?? []), ...rows];
  }
  return out;
}

describe('partner tickets against ClickHouse', () => {
  let ch: TestClickHouse;
  const write = async (rows: Record<string, Array<Record<string, unknown>>>) => {
    for (const [table, values] of Object.entries(rows)) await ch.client.insert({ table, values, format: 'JSONEachRow' });
  };
  const channels = async () =>
    (
      await ch.client.query({
        query: 'SELECT toString(day) AS day, channel, tickets_sold, toDecimalString(revenue, 2) AS revenue FROM v_sales_by_channel ORDER BY day, channel',
        format: 'JSONEachRow',
      })
    ).json();

  beforeAll(async () => {
    ch = await testWarehouse('partners');
    // show 1: ticket 10 (paid 2026-11-20 MSK, also a REST ticket line), 11 (paid 2026-11-21 MSK, venue +10:00, not in
    // REST), 12 (unpaid); show 2: ticket 20 (paid 2026-11-21 MSK, id sent as a string)
    await write(
      readRows(
        1,
        [
          { id: 10, paid: 1, paid_at: '2026-11-20T15:00:00+03:00', price: '100.5' },
          { id: 11, paid: 1, paid_at: '2026-11-21T07:30:00+10:00', price: 200 },
          { id: 12, paid: 0, paid_at: null, price: 50 },
        ],
        'r1',
        '2026-11-21T10:00:00.000Z',
      ),
    );
    await write(readRows(2, [{ id: '20', paid: 1, paid_at: '2026-11-21T12:00:00+03:00', price: 300 }], 'r1', '2026-11-21T10:00:00.000Z'));
    const line = (basket: number, price: string) => ({
      basket_id: basket,
      order_id: basket,
      event_id: 9,
      show_id: 1,
      quantity: 1,
      price,
      is_sold: 1,
      order_payed: 1,
      sale_date_msk: '2026-11-20',
      created_at: '2026-11-20 12:00:00.000',
      updated_at: '2026-11-20 12:00:00.000',
      order_created_at: '2026-11-20 12:00:00.000',
      _ver: '2026-11-20 12:00:00.000',
    });
    await ch.client.insert({ table: 'stg_qtickets_api_order_lines', values: [line(10, '100.50'), line(99, '50.00')], format: 'JSONEachRow' });
  });
  afterAll(async () => ch?.close());

  it('sales by channel: partner tickets by their Moscow paid day, own = REST sales minus the partner tickets among them', async () => {
    expect(await channels()).toEqual([
      { day: '2026-11-20', channel: 'own', tickets_sold: '1', revenue: '50.00' },
      { day: '2026-11-20', channel: 'partner', tickets_sold: '1', revenue: '100.50' },
      { day: '2026-11-21', channel: 'partner', tickets_sold: '2', revenue: '500.00' },
    ]);
  });

  it('a complete run marks tickets gone from the shows it read as deleted, and only those', async () => {
    await write(
      readRows(
        1,
        [
          { id: 10, paid: 1, paid_at: '2026-11-20T15:00:00+03:00', price: '100.5' },
          { id: 12, paid: 0, paid_at: null, price: 50 },
        ],
        'r2',
        '2026-11-21T11:00:00.000Z',
      ),
    );
    const complete = partnerTicketsStream.sync.complete as (ctx: CompleteContext) => Promise<void>;
    await complete({
      tables: partnerTicketsStream.tables,
      clickhouse: ch.client,
      run: { runId: 'r2' } as CompleteContext['run'],
      now: new Date('2026-11-21T11:01:00Z'),
      log,
    });
    const rows = await (
      await ch.client.query({
        query: `SELECT ticket_id, show_id, is_deleted, vanished_at IS NOT NULL AS vanished FROM ${PARTNER_TABLES.tickets} FINAL ORDER BY ticket_id`,
        format: 'JSONEachRow',
      })
    ).json();
    expect(rows).toEqual([
      { ticket_id: '10', show_id: '1', is_deleted: 0, vanished: 0 },
      { ticket_id: '11', show_id: '1', is_deleted: 1, vanished: 1 },
      { ticket_id: '12', show_id: '1', is_deleted: 0, vanished: 0 },
      { ticket_id: '20', show_id: '2', is_deleted: 0, vanished: 0 },
    ]);
    expect((await channels()).at(-1)).toEqual({ day: '2026-11-21', channel: 'partner', tickets_sold: '1', revenue: '300.00' });
  });
});

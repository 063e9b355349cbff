import type { ClickHouseClient } from '@qtp/shared';

/**
 * How many orders we hold with an id below `id` (loaded or quarantined): a lower bound of that id's position in
 * the API's id-ascending list, used to find the page where a tail walk must start.
 */
export async function ordersBelow(ch: ClickHouseClient, id: number): Promise<number> {
  const rs = await ch.query({
    query: `SELECT
              (SELECT uniqExact(order_id) FROM stg_qtickets_api_orders_raw WHERE order_id < {id:UInt64}) +
              (SELECT uniqExact(record_key) FROM quarantine WHERE stream = 'orders' AND match(record_key, '^[0-9]+$')
                 AND toUInt64OrZero(record_key) < {id:UInt64}
                 AND toUInt64OrZero(record_key) NOT IN (SELECT order_id FROM stg_qtickets_api_orders_raw)) AS n`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** Smallest order id created at or after `since` among what we hold (the start of the look-back window). */
export async function firstOrderCreatedSince(ch: ClickHouseClient, sinceIso: string): Promise<number | null> {
  const rs = await ch.query({
    query: `SELECT min(order_id) AS id, count() AS n FROM stg_qtickets_api_orders_raw WHERE created_at >= parseDateTime64BestEffort({since:String}, 3, 'UTC')`,
    query_params: { since: sinceIso },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ id: string; n: string }>();
  return row && Number(row.n) > 0 ? Number(row.id) : null;
}

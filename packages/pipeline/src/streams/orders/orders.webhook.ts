import type { WebhookDeclaration } from '../webhook.ts';
import { ORDER_TABLES } from './orders.transform.ts';

/** Orders are pushed as `X-Model-Name: Order`; their rows carry `_ver` = updated_at, keyed by order_id. */
export const ordersWebhook: WebhookDeclaration = {
  model: 'Order',
  refetchParent: (id) => ({ order_id: id }),
  async latestVersions(clickhouse, ids) {
    if (ids.length === 0) return new Map();
    const rows = await (
      await clickhouse.query({
        query: `SELECT order_id AS id, toString(toUnixTimestamp64Milli(max(_ver))) AS v FROM ${ORDER_TABLES.orders}
                WHERE order_id IN {ids:Array(UInt64)} GROUP BY order_id`,
        query_params: { ids },
        format: 'JSONEachRow',
      })
    ).json<{ id: string | number; v: string }>();
    return new Map(rows.map((r) => [Number(r.id), Number(r.v)]));
  },
};

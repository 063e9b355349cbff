import type { ClickHouseClient } from '@qtp/shared';
import type { WebhookLogEntry } from '@qtp/simulator';

/**
 * Webhook change → row, as a reader sees it (bench:webhooks and the e2e tests): polls ClickHouse until each change is
 * readable, i.e. its order's row at an updated_at at least the change's with its ticket lines in v_sales_latest, and
 * gives per change the ms from the simulator applying it (`changedAtWall`) to then. `missing`: not readable in time.
 */
export async function changeToRow(
  client: ClickHouseClient,
  changes: WebhookLogEntry[],
  o: { timeoutMs: number; pollMs?: number },
): Promise<{ latencies: number[]; missing: WebhookLogEntry[] }> {
  const latencies: number[] = [];
  const pending = new Map<number, WebhookLogEntry[]>();
  for (const c of changes) pending.set(c.orderId, [...(pending.get(c.orderId) ?? []), c]);
  const deadline = Date.now() + o.timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    const rows = await (
      await client.query({
        query: `SELECT o.order_id AS id, toString(o.updated_at) AS updated, l.n AS lines
                FROM (SELECT order_id, updated_at FROM stg_qtickets_api_orders_raw FINAL WHERE order_id IN {ids:Array(UInt64)}) AS o
                LEFT JOIN (SELECT order_id, count() AS n FROM v_sales_latest WHERE order_id IN {ids:Array(UInt64)} GROUP BY order_id) AS l
                ON l.order_id = o.order_id`,
        query_params: { ids: [...pending.keys()] },
        format: 'JSONEachRow',
      })
    ).json<{ id: string; updated: string; lines: string }>();
    const now = Date.now();
    for (const r of rows) {
      const cs = pending.get(Number(r.id));
      if (!cs || Number(r.lines) === 0) continue;
      const landed = Date.parse(`${r.updated.replace(' ', 'T')}Z`);
      const left: WebhookLogEntry[] = [];
      for (const c of cs) {
        if (landed < Date.parse(c.changedAt)) left.push(c);
        else latencies.push(now - c.changedAtWall);
      }
      if (left.length > 0) pending.set(Number(r.id), left);
      else pending.delete(Number(r.id));
    }
    await new Promise((res) => setTimeout(res, o.pollMs ?? 50));
  }
  return { latencies, missing: [...pending.values()].flat() };
}

import type { ClickHouseClient } from '@qtp/shared';
import type { WebhookLogEntry } from '@qtp/simulator';

/**
 * Webhook change → row, as a reader sees it (bench:webhooks and the e2e tests): polls ClickHouse until each change is
 * readable, i.e. its order's row and its ticket lines at an updated_at at least the change's (the newest version is
 * what FINAL shows), and
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
    // Cheap on purpose (no FINAL, no view): the poll's own duration is the measure's resolution.
    const rows = await (
      await client.query({
        query: `SELECT o.id AS id, toString(o.u) AS updated, toString(l.u) AS lines_updated, l.n AS lines
                FROM (SELECT order_id AS id, max(updated_at) AS u FROM stg_qtickets_api_orders_raw WHERE order_id IN {ids:Array(UInt64)} GROUP BY order_id) AS o
                LEFT JOIN (SELECT order_id AS id, max(_ver) AS u, count() AS n FROM stg_qtickets_api_order_lines WHERE order_id IN {ids:Array(UInt64)} GROUP BY order_id) AS l
                ON l.id = o.id`,
        query_params: { ids: [...pending.keys()] },
        format: 'JSONEachRow',
      })
    ).json<{ id: string; updated: string; lines_updated: string; lines: string }>();
    const now = Date.now();
    for (const r of rows) {
      const cs = pending.get(Number(r.id));
      if (!cs || Number(r.lines) === 0) continue;
      const utc = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);
      const landed = Math.min(utc(r.updated), utc(r.lines_updated));
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

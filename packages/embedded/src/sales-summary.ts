import type { ClickHouseClient } from '@qtp/shared';

export type SummaryDay = { day: string; orders: number; tickets_sold: number; revenue: string; refunds_amount: string; net_revenue: string };

/** Orders, tickets and revenue by Moscow day, read from the views DataLens reads. */
export async function salesSummary(ch: ClickHouseClient, days = 14): Promise<{ orders: number; lines: number; shows: number; days: SummaryDay[] }> {
  const totals = await (
    await ch.query({
      query: `SELECT (SELECT count() FROM stg_qtickets_api_orders_raw FINAL) AS orders, (SELECT count() FROM v_sales_latest) AS lines,
                     (SELECT count() FROM stg_qtickets_api_shows FINAL) AS shows`,
      format: 'JSONEachRow',
    })
  ).json<{ orders: string; lines: string; shows: string }>();
  const rs = await ch.query({
    query: `SELECT toString(d.day) AS day, toUInt64(ifNull(o.orders, 0)) AS orders, toUInt64(sum(d.tickets_sold)) AS tickets_sold,
                   toDecimalString(sum(d.revenue), 2) AS revenue, toDecimalString(sum(d.refunds_amount), 2) AS refunds_amount,
                   toDecimalString(sum(d.net_revenue), 2) AS net_revenue
            FROM v_qtickets_sales_dashboard AS d
            LEFT JOIN (SELECT sale_date_msk AS day, count() AS orders FROM stg_qtickets_api_orders_raw FINAL WHERE payed = 1 GROUP BY day) AS o ON o.day = d.day
            GROUP BY d.day, o.orders ORDER BY d.day DESC LIMIT {days:UInt32}`,
    query_params: { days },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string>>();
  return {
    orders: Number(totals[0]?.orders ?? 0),
    lines: Number(totals[0]?.lines ?? 0),
    shows: Number(totals[0]?.shows ?? 0),
    days: rows
      .map((r) => ({
        day: r.day as string,
        orders: Number(r.orders),
        tickets_sold: Number(r.tickets_sold),
        revenue: r.revenue as string,
        refunds_amount: r.refunds_amount as string,
        net_revenue: r.net_revenue as string,
      }))
      .reverse(),
  };
}

export function formatSummary(s: Awaited<ReturnType<typeof salesSummary>>): string {
  const head = `orders loaded: ${s.orders}, ticket lines: ${s.lines}, shows: ${s.shows}\n`;
  const cols = ['day', 'paid orders', 'tickets', 'revenue', 'refunds', 'net revenue'];
  const body = s.days.map((d) => [d.day, String(d.orders), String(d.tickets_sold), d.revenue, d.refunds_amount, d.net_revenue]);
  const widths = cols.map((c, i) => Math.max(c.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  return `${head}${line(cols)}\n${body.map(line).join('\n')}\n`;
}

export type DayRow = { day: string; tickets_sold: number; revenue: string; refunds_count: number; refunds_amount: string; net_revenue: string };

/** Per-day totals from the dashboard view (days with activity), money as exact decimal strings. */
export async function dashboardByDay(ch: ClickHouseClient): Promise<DayRow[]> {
  const rs = await ch.query({
    query: `SELECT toString(day) AS day, toUInt64(sum(tickets_sold)) AS tickets_sold, toDecimalString(sum(revenue), 2) AS revenue,
                   toUInt64(sum(refunds_count)) AS refunds_count, toDecimalString(sum(refunds_amount), 2) AS refunds_amount,
                   toDecimalString(sum(net_revenue), 2) AS net_revenue
            FROM v_qtickets_sales_dashboard GROUP BY day
            HAVING tickets_sold > 0 OR refunds_count > 0 ORDER BY day`,
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, string>>()).map((r) => ({
    day: r.day as string,
    tickets_sold: Number(r.tickets_sold),
    revenue: r.revenue as string,
    refunds_count: Number(r.refunds_count),
    refunds_amount: r.refunds_amount as string,
    net_revenue: r.net_revenue as string,
  }));
}

/** A simulator's ground truth in the same shape. */
export function truthByDay(truth: {
  days: Array<{ date: string; tickets_sold: number; revenue: string; refunds_count: number; refunds_amount: string; net_revenue: string }>;
}): DayRow[] {
  return truth.days
    .filter((d) => d.tickets_sold > 0 || d.refunds_count > 0)
    .map((d) => ({
      day: d.date,
      tickets_sold: d.tickets_sold,
      revenue: d.revenue,
      refunds_count: d.refunds_count,
      refunds_amount: d.refunds_amount,
      net_revenue: d.net_revenue,
    }))
    .sort((a, b) => a.day.localeCompare(b.day));
}

/**
 * The summary's last line. A mismatch while the pipeline is still behind the simulator (a run in flight, or the
 * demo clock moving on so new orders keep arriving) is "catching up", not a failure; "no" only when nothing can
 * change the answer any more.
 */
export function groundTruthLine(matches: boolean, o: { runInFlight?: string | undefined; clockRunning: boolean }): string {
  if (matches) return "matches the simulator's ground truth: yes";
  if (o.runInFlight) return `matches the simulator's ground truth: catching up (run ${o.runInFlight} in progress)`;
  if (o.clockRunning) return "matches the simulator's ground truth: catching up (orders placed since this run read them come with the next run)";
  return "matches the simulator's ground truth: no";
}

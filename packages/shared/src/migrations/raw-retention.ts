import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logging/logger.ts';

/** RAW_RETENTION: days (`400d`, or a plain number of days); 0 keeps raw records forever. */
export const parseRetentionDays = (v: string): number => Number(/^(\d+)d?$/.exec(v.trim())?.[1] ?? Number.NaN);

/**
 * Applies RAW_RETENTION to every raw landing kept as history (tables whose comment is `raw landing (history)`):
 * a TTL on the fetch time, or none for 0. Only a table whose TTL differs is altered (an ALTER materialises the TTL).
 */
export async function applyRawRetention(
  admin: ClickHouseClient,
  o: { database: string; cluster?: string | undefined; days: number; log: Logger },
): Promise<string[]> {
  const rs = await admin.query({
    query: `SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND comment = 'raw landing (history)'`,
    query_params: { db: o.database },
    format: 'JSONEachRow',
  });
  const onCluster = o.cluster ? ` ON CLUSTER '${o.cluster}'` : '';
  const changed: string[] = [];
  for (const t of await rs.json<{ name: string; engine_full: string }>()) {
    const ttl = /\bTTL (.*?) SETTINGS/.exec(t.engine_full)?.[1] ?? null;
    const wanted = o.days > 0 ? `toDateTime(_fetched_at) + toIntervalDay(${o.days})` : null;
    if (ttl === wanted) continue;
    const action = wanted ? `MODIFY TTL toDateTime(_fetched_at) + INTERVAL ${o.days} DAY` : 'REMOVE TTL';
    if (!wanted && ttl === null) continue;
    await admin.command({ query: `ALTER TABLE \`${o.database}\`.\`${t.name}\`${onCluster} ${action}` });
    changed.push(t.name);
  }
  if (changed.length > 0) o.log.info({ tables: changed, days: o.days }, o.days > 0 ? 'raw landing retention set' : 'raw landing kept forever');
  return changed;
}

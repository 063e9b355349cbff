import type { ClickHouseClient } from '@qtp/shared';
import { toClickHouseUtc } from '../../common/moscow-time.ts';
import { IDENT } from '../../common/sql.ts';
import type { CompleteContext } from '../stream.ts';

/**
 * A table whose rows carry the run that last saw them (`_run_id`), a deletion flag and `vanished_at`. After a
 * complete full refresh, every row that an earlier run saw and this one did not is copied with the flag and
 * `vanished_at` set at a newer `_ver`, so under FINAL it reads as deleted upstream; if the record comes back, the
 * next refresh's newer `_ver` wins again. With `parents` (a per-parent refresh, each refresh logged in
 * `parents.table` with the run's `_run_id`), only the rows of the parents this run refreshed are considered.
 *
 * The rows to copy are filtered in a subquery: in `SELECT * REPLACE (… AS _run_id) … WHERE _run_id != …` ClickHouse
 * resolves the WHERE against the REPLACE aliases, which would select nothing.
 */
export type VanishRule = {
  table: string;
  deletedColumn: string;
  /** What the column says once the row is gone: 1 (the default) for an `is_deleted` flag, 0 for an `is_valid` one. */
  deletedValue?: 0 | 1;
  parents?: { table: string; keys: readonly string[] };
};

export async function markVanished(ch: ClickHouseClient, rule: VanishRule, runId: string, now: Date): Promise<number> {
  const keys = rule.parents?.keys ?? [];
  const idents = [rule.table, rule.deletedColumn, ...(rule.parents ? [rule.parents.table, ...keys] : [])];
  if ((rule.parents && keys.length === 0) || !idents.every((i) => IDENT.test(i))) throw new Error(`bad identifier in vanish rule ${JSON.stringify(rule)}`);
  const stamp = toClickHouseUtc(now.toISOString());
  const inParents = rule.parents ? `(${keys.join(', ')}) IN (SELECT ${keys.join(', ')} FROM ${rule.parents.table} WHERE _run_id = {runId:String}) AND ` : '';
  const where = `${inParents}_run_id != {runId:String} AND vanished_at IS NULL`;
  const count = await ch.query({ query: `SELECT count() AS n FROM ${rule.table} FINAL WHERE ${where}`, query_params: { runId }, format: 'JSONEachRow' });
  const [row] = await count.json<{ n: string }>();
  const n = Number(row?.n ?? 0);
  if (n === 0) return 0;
  await ch.command({
    query: `INSERT INTO ${rule.table}
            SELECT * REPLACE (${rule.deletedValue ?? 1} AS ${rule.deletedColumn}, toDateTime64({stamp:String}, 3, 'UTC') AS vanished_at,
                              toDateTime64({stamp:String}, 3, 'UTC') AS _ver, {runId:String} AS _run_id)
            FROM (SELECT * FROM ${rule.table} FINAL WHERE ${where})`,
    query_params: { runId, stamp },
    clickhouse_settings: { async_insert: 0, insert_deduplicate: 0 },
  });
  return n;
}

/** After a complete run: every declared table with refresh columns gets what vanished marked. */
export async function markVanishedTables(ctx: CompleteContext): Promise<void> {
  for (const t of ctx.tables) {
    if (!t.refresh) continue;
    const n = await markVanished(ctx.clickhouse, { table: t.name, ...t.refresh }, ctx.run.runId, ctx.now);
    if (n > 0) ctx.log.info({ table: t.name, rows: n }, 'rows gone upstream marked deleted');
  }
}

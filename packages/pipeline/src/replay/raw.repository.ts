import type { ClickHouseClient } from '@qtp/shared';
import { toClickHouseUtc } from '../common/moscow-time.ts';
import type { ParentRef } from '../streams/stream.ts';

/** A raw record read back for a replay, with what it was first read with. */
export type RawRecord = { record: unknown; runId: string; fetchedAt: string; parent?: ParentRef };
export type KeyRange = { fromKey: string; toKey: string; records: number };

const windowWhere = (window: { from: string; to: string } | null) =>
  window ? ` AND _version >= toDateTime64({from:String}, 3, 'UTC') AND _version < toDateTime64({to:String}, 3, 'UTC')` : '';
const windowParams = (window: { from: string; to: string } | null) => (window ? { from: toClickHouseUtc(window.from), to: toClickHouseUtc(window.to) } : {});

/** A stream's raw landing (raw_qtickets_<stream>), read in slices of natural ids for replays. */
export class RawRepository {
  readonly #ch: ClickHouseClient;
  readonly #table: string;

  constructor(ch: ClickHouseClient, table: string) {
    this.#ch = ch;
    this.#table = table;
  }

  /** Consecutive ranges of natural ids holding about `perSlice` records each (a key never spans two ranges). */
  async slices(perSlice: number, window: { from: string; to: string } | null): Promise<KeyRange[]> {
    const rs = await this.#ch.query({
      query: `SELECT min(k) AS fromKey, max(k) AS toKey, toUInt64(sum(n)) AS records
              FROM (SELECT k, n, intDiv(sum(n) OVER (ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), {per:UInt64}) AS slice
                    FROM (SELECT _key AS k, count() AS n FROM ${this.#table} FINAL WHERE 1${windowWhere(window)} GROUP BY _key))
              GROUP BY slice ORDER BY slice`,
      query_params: { per: perSlice, ...windowParams(window) },
      format: 'JSONEachRow',
    });
    return (await rs.json<{ fromKey: string; toKey: string; records: string }>()).map((r) => ({ ...r, records: Number(r.records) }));
  }

  /** The records of one range, oldest version first (so, within a replay, the newest one is written last). */
  async read(fromKey: string, toKey: string, window: { from: string; to: string } | null): Promise<RawRecord[]> {
    const rs = await this.#ch.query({
      query: `SELECT record, _run_id AS runId, toString(toUnixTimestamp64Milli(_fetched_at)) AS fetchedMs, _parent AS parent
              FROM ${this.#table} FINAL
              WHERE _key >= {fromKey:String} AND _key <= {toKey:String}${windowWhere(window)}
              ORDER BY _key, _version, _fetched_at`,
      query_params: { fromKey, toKey, ...windowParams(window) },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ record: string; runId: string; fetchedMs: string; parent: string }>();
    return rows.map((r) => ({
      record: JSON.parse(r.record) as unknown,
      runId: r.runId,
      fetchedAt: new Date(Number(r.fetchedMs)).toISOString(),
      ...(r.parent ? { parent: JSON.parse(r.parent) as ParentRef } : {}),
    }));
  }
}

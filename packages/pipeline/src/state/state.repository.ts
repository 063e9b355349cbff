import type { ClickHouseClient } from '@qtp/shared';

/** Durable per-stream state (etl_state). Advanced only after the run's rows are all confirmed written. */
export type StreamState = {
  stream: string;
  highWaterId: number;
  pagingTotal: number;
  /** Latest updated_at the stream has fully loaded up to (ISO UTC), or null before the first run. */
  watermark: string | null;
  cursor: string;
  lastRunId: string;
  lastSuccessAt: string | null;
};

const EMPTY = (stream: string): StreamState => ({ stream, highWaterId: 0, pagingTotal: 0, watermark: null, cursor: '', lastRunId: '', lastSuccessAt: null });

const toIso = (v: string | null): string | null => (v ? `${v.replace(' ', 'T')}Z` : null);
const toCh = (iso: string | null): string | null => (iso ? new Date(iso).toISOString().replace('T', ' ').replace('Z', '') : null);

export class StateRepository {
  readonly #ch: ClickHouseClient;

  constructor(ch: ClickHouseClient) {
    this.#ch = ch;
  }

  async get(stream: string): Promise<StreamState> {
    const rs = await this.#ch.query({
      query: `SELECT stream, high_water_id, paging_total, toString(watermark) AS watermark, cursor, last_run_id,
                     toString(last_success_at) AS last_success_at
              FROM etl_state FINAL WHERE stream = {stream:String}`,
      query_params: { stream },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<Record<string, string | null>>();
    if (!row) return EMPTY(stream);
    return {
      stream,
      highWaterId: Number(row.high_water_id),
      pagingTotal: Number(row.paging_total),
      watermark: toIso(row.watermark ?? null),
      cursor: row.cursor ?? '',
      lastRunId: row.last_run_id ?? '',
      lastSuccessAt: toIso(row.last_success_at ?? null),
    };
  }

  async put(state: StreamState): Promise<void> {
    await this.#ch.insert({
      table: 'etl_state',
      format: 'JSONEachRow',
      values: [
        {
          stream: state.stream,
          high_water_id: state.highWaterId,
          paging_total: state.pagingTotal,
          watermark: toCh(state.watermark),
          cursor: state.cursor,
          last_run_id: state.lastRunId,
          last_success_at: toCh(state.lastSuccessAt),
          updated_at: toCh(new Date().toISOString()),
        },
      ],
    });
  }
}

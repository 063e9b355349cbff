import { STREAMS, StateRepository } from '@qtp/pipeline';
import type { ClickHouseClient, StreamFreshness } from '@qtp/shared';
import { staleAfter } from './staleness.ts';

/** Each stream's last success (etl_state) and staleness threshold: the scheduler's stream-lag gauges read this. */
export function streamFreshness(clickhouse: ClickHouseClient, settings: Record<string, unknown>): () => Promise<StreamFreshness[]> {
  const state = new StateRepository(clickhouse);
  return () =>
    Promise.all(
      STREAMS.map(async (stream) => ({
        stream,
        lastSuccessAt: (await state.get(stream)).lastSuccessAt,
        staleAfterMs: staleAfter(stream, settings).ms,
      })),
    );
}

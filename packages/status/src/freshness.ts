import { ScheduledSince, STREAM_DEFINITIONS, StateRepository } from '@qtp/pipeline';
import type { ClickHouseClient, RedisConnection, StreamFreshness } from '@qtp/shared';
import { firstDueAt, staleAfter } from './staleness.ts';

/**
 * Each stream's last success (etl_state), staleness threshold and, once a scheduler registered it, when its first
 * run was due: the scheduler's stream gauges read this. Streams its settings switch off are left out (no series, so
 * no alert), like `pnpm status` shows them off.
 */
export function streamFreshness(
  clickhouse: ClickHouseClient,
  settings: Record<string, unknown>,
  scheduled?: { redis: RedisConnection; prefix: string },
): () => Promise<StreamFreshness[]> {
  const state = new StateRepository(clickhouse);
  const since = scheduled ? new ScheduledSince(scheduled.redis, scheduled.prefix) : undefined;
  return async () => {
    const recorded = (await since?.all()) ?? {};
    const on = STREAM_DEFINITIONS.filter((d) => (d.disabledReason?.(settings) ?? null) === null).map((d) => d.name);
    return Promise.all(
      on.map(async (stream) => {
        const at = recorded[stream];
        return {
          stream,
          lastSuccessAt: (await state.get(stream)).lastSuccessAt,
          staleAfterMs: staleAfter(stream, settings).ms,
          firstDueAt: at ? firstDueAt(stream, settings, new Date(at)).toISOString() : null,
        };
      }),
    );
  };
}

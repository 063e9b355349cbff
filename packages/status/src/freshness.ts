import { ScheduledSince, STREAM_DEFINITIONS, StateRepository } from '@qtp/pipeline';
import { type ClickHouseClient, type RedisConnection, type StreamFreshness, withTimeout } from '@qtp/shared';
import { firstDueAt, staleAfter } from './staleness.ts';

/**
 * Each stream's last success (etl_state), staleness threshold and, once a scheduler registered it, when its first
 * run was due: the scheduler's stream gauges read this. Streams its settings switch off are left out (no series, so
 * no alert), like `pnpm status` shows them off.
 */
export function streamFreshness(
  clickhouse: ClickHouseClient,
  settings: Record<string, unknown>,
  scheduled?: { redis: RedisConnection; prefix: string; timeoutMs?: number },
): () => Promise<StreamFreshness[]> {
  const state = new StateRepository(clickhouse);
  const since = scheduled ? new ScheduledSince(scheduled.redis, scheduled.prefix) : undefined;
  return async () => {
    // Redis down: the etl_state figures are still reported, only the first-due times are left out.
    const recorded: Record<string, string> | undefined = since
      ? await withTimeout(since.all(), scheduled?.timeoutMs ?? 1_000, 'scheduled-since').catch(() => undefined)
      : {};
    const on = STREAM_DEFINITIONS.filter((d) => (d.disabledReason?.(settings) ?? null) === null).map((d) => d.name);
    return Promise.all(
      on.map(async (stream) => {
        const at = recorded?.[stream];
        const row: StreamFreshness = { stream, lastSuccessAt: (await state.get(stream)).lastSuccessAt, staleAfterMs: staleAfter(stream, settings).ms };
        if (recorded) row.firstDueAt = at ? firstDueAt(stream, settings, new Date(at)).toISOString() : null;
        return row;
      }),
    );
  };
}

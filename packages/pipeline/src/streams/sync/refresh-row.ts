import { toClickHouseUtc } from '../../common/moscow-time.ts';
import type { TransformContext } from '../stream.ts';

/**
 * Bookkeeping columns of a full-refresh table: the row's version is the fetch time (each refresh supersedes the
 * last), `_run_id` tells which refresh saw it, `is_deleted` covers soft deletion here and, later, vanishing upstream.
 */
export function refreshColumns(ctx: TransformContext, deletedAt: string | null) {
  return { is_deleted: deletedAt === null ? 0 : 1, vanished_at: null, _run_id: ctx.runId, _ver: toClickHouseUtc(ctx.fetchedAt) } as const;
}

export const utcOrNull = (v: string | null | undefined): string | null => (v ? toClickHouseUtc(v) : null);

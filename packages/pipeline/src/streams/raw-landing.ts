import { createHash } from 'node:crypto';
import { toClickHouseUtc } from '../common/moscow-time.ts';
import type { ParentRef, RecordResult, Row, StreamDefinition } from './stream.ts';

/**
 * A row of a stream's raw landing (migration 0040): the sanitized record exactly as the fetcher handed it to the
 * transformer, with what a replay needs to run the same transform again (its run, fetch time and parent).
 */
export type RawRow = {
  _key: string;
  _version: string;
  _run_id: string;
  _source: string;
  _parent: string;
  _fetched_at: string;
  record: string;
};

/** The record's natural id: the stream's own key, else its numeric id, else a hash of its parent and content. */
export function rawKey(stream: StreamDefinition, record: unknown, parent: ParentRef | undefined): string {
  if (stream.raw?.key) return stream.raw.key(record);
  const id = typeof record === 'object' && record !== null ? (record as { id?: unknown }).id : undefined;
  if ((typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && /^\d+$/.test(id))) return String(id);
  return `h:${createHash('sha256')
    .update(`${JSON.stringify(parent ?? null)}\n${JSON.stringify(record) ?? 'undefined'}`)
    .digest('hex')
    .slice(0, 32)}`;
}

export function rawRow(
  stream: StreamDefinition,
  record: unknown,
  result: RecordResult,
  at: { runId: string; source: string; fetchedAt: string; parent?: ParentRef | undefined },
): Row {
  const version = result.kind === 'rows' && result.updatedAtMs ? new Date(result.updatedAtMs).toISOString() : at.fetchedAt;
  const row: RawRow = {
    _key: rawKey(stream, record, at.parent),
    _version: toClickHouseUtc(version),
    _run_id: at.runId,
    _source: at.source,
    _parent: at.parent ? JSON.stringify(at.parent) : '',
    _fetched_at: toClickHouseUtc(at.fetchedAt),
    record: JSON.stringify(record) ?? 'null',
  };
  return row;
}

/** RAW_LANDING: `all` (the default), `none`, or the streams to land, comma-separated. */
export function rawLandingOn(setting: string, stream: string): boolean {
  if (setting === 'all') return true;
  if (setting === 'none') return false;
  return setting.split(',').some((s) => s.trim() === stream);
}

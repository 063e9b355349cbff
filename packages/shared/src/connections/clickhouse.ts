import { type ClickHouseSettings as ChSettings, type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseSettings } from '../config/common.schema.ts';

export type { ClickHouseClient } from '@clickhouse/client';

/**
 * Settings pinned on every request, so behaviour does not depend on server defaults (ClickHouse 26 turns
 * async_insert on by default; we batch ourselves and need the insert confirmed when it returns).
 */
export const PINNED_SETTINGS: ChSettings = {
  async_insert: 0,
  wait_for_async_insert: 1,
  insert_deduplicate: 1,
  date_time_input_format: 'best_effort',
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_decimals: 1,
  input_format_skip_unknown_fields: 0,
};

export function createClickHouse(cfg: ClickHouseSettings, options: { database?: string; application?: string } = {}): ClickHouseClient {
  return createClient({
    url: cfg.CLICKHOUSE_URL,
    username: cfg.CLICKHOUSE_USER,
    password: cfg.CLICKHOUSE_PASSWORD,
    database: options.database ?? cfg.CLICKHOUSE_DATABASE,
    application: options.application ?? 'qtickets-pipeline',
    request_timeout: 120_000,
    // The client's own logger would print failing statements (which may carry a password); errors reach our logger.
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: PINNED_SETTINGS,
  });
}

/** A client with no default database, for DDL that creates the database itself. */
export function createClickHouseAdmin(cfg: ClickHouseSettings, application = 'qtickets-pipeline-admin'): ClickHouseClient {
  return createClickHouse(cfg, { database: 'default', application });
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * True when an error says ClickHouse could not be reached (refused, reset, timed out, or an HTTP 5xx from a proxy in
 * front of it), as opposed to an error in what we asked. Callers wait and retry the former without counting it.
 */
export function isClickHouseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; message?: unknown };
    if (typeof x.code === 'string' && UNAVAILABLE_CODES.has(x.code)) return true;
    if (
      typeof x.message === 'string' &&
      /socket hang up|Timeout error|ECONNREFUSED|ECONNRESET|other side closed|connect ETIMEDOUT|503 Service Unavailable|502 Bad Gateway/i.test(x.message)
    )
      return true;
  }
  return false;
}

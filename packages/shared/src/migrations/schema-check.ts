import { resolve } from 'node:path';
import type { ClickHouseClient } from '../connections/clickhouse.ts';
import { isClickHouseUnavailable } from '../connections/clickhouse.ts';
import type { Logger } from '../logging/logger.ts';
import { withTimeout } from '../ops/timeout.ts';
import { readMigrations } from './migration-files.ts';

/** The repository's migrations (the images carry them too): what this version of the code needs applied. */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../../migrations');

export type SchemaCheck =
  | { ok: true }
  /** ClickHouse did not answer: nothing known about the schema. */
  | { ok: false; unreachable: true; message: string }
  /** The schema is not what this code needs: the message names the database, what is missing, and the fix. */
  | { ok: false; unreachable: false; message: string };

const FIX = 'run `pnpm migrate` (compose: the migrate service) first';
const code = (err: unknown) => String((err as { code?: unknown })?.code ?? '');
const text = (err: unknown) => (err as Error)?.message ?? String(err);

/**
 * Whether every migration file of `dir` is recorded as applied (or skipped) in `<database>.schema_migrations`, the
 * migrator's bookkeeping table. Reads only that table, with the app's own login.
 */
export async function checkSchema(clickhouse: ClickHouseClient, database: string, dir = MIGRATIONS_DIR): Promise<SchemaCheck> {
  let applied: Set<number>;
  try {
    const rs = await clickhouse.query({
      query: `SELECT version FROM ${database}.schema_migrations FINAL WHERE status IN ('applied', 'skipped')`,
      format: 'JSONEachRow',
    });
    applied = new Set((await rs.json<{ version: number | string }>()).map((r) => Number(r.version)));
  } catch (err) {
    if (isClickHouseUnavailable(err)) return { ok: false, unreachable: true, message: text(err) };
    // 81 UNKNOWN_DATABASE, 60 UNKNOWN_TABLE, 497 ACCESS_DENIED (the grant comes with a migration too).
    if (code(err) === '81' || /Database \S+ does(n't| not) exist/i.test(text(err)))
      return { ok: false, unreachable: false, message: `database ${database} does not exist: ${FIX}` };
    if (code(err) === '60' || /Unknown table|UNKNOWN_TABLE|does(n't| not) exist/i.test(text(err)))
      return { ok: false, unreachable: false, message: `database ${database} has no migrations applied (no ${database}.schema_migrations): ${FIX}` };
    if (code(err) === '497' || /ACCESS_DENIED|Not enough privileges/i.test(text(err)))
      return {
        ok: false,
        unreachable: false,
        message: `this login cannot read ${database}.schema_migrations (granted by migration 0036_schema_migrations_grant): ${FIX}`,
      };
    return { ok: false, unreachable: false, message: `cannot read ${database}.schema_migrations: ${text(err)}` };
  }
  const pending = readMigrations(dir).filter((f) => !applied.has(f.version));
  if (pending.length === 0) return { ok: true };
  const names = pending.map((f) => f.file);
  const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return {
    ok: false,
    unreachable: false,
    message: `database ${database} lacks ${pending.length} migration${pending.length > 1 ? 's' : ''} (${listed}): ${FIX}`,
  };
}

export type SchemaGuardOptions = {
  clickhouse: ClickHouseClient;
  database: string;
  log: Logger;
  dir?: string;
  /** While ClickHouse does not answer, check again this often. */
  retryMs?: number;
  /** Bound on one check (default 10 s). */
  timeoutMs?: number;
  exit?: (code: number) => never;
};

/**
 * Checks the schema when an app starts: a missing database or an unapplied migration stops the process with one
 * log line naming them and exit code 2, before any job runs. While ClickHouse is unreachable the app starts anyway
 * (its readiness says so) and the check is repeated in the background until ClickHouse answers.
 * Resolves after the first check; `stop()` ends the background retries.
 */
export async function guardSchema(o: SchemaGuardOptions): Promise<{ stop: () => void }> {
  const exit = o.exit ?? ((c: number) => process.exit(c));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let warned = false;
  const run = async (): Promise<void> => {
    // A ClickHouse that accepts connections but does not answer counts as unreachable: the app starts (not ready).
    const r = await withTimeout(checkSchema(o.clickhouse, o.database, o.dir), o.timeoutMs ?? 10_000, 'schema check').catch(
      (err: Error): SchemaCheck => ({ ok: false, unreachable: true, message: err.message }),
    );
    if (stopped || r.ok) return;
    if (!r.unreachable) {
      o.log.fatal({ database: o.database }, `schema not ready: ${r.message}`);
      process.stderr.write(`schema not ready: ${r.message}\n`);
      exit(2);
      return;
    }
    if (!warned) o.log.warn({ err: { message: r.message } }, 'ClickHouse unreachable: the schema is checked once it answers');
    warned = true;
    timer = setTimeout(() => void run(), o.retryMs ?? 5_000);
    timer.unref();
  };
  await run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logging/logger.ts';
import { type MigrationFile, readMigrations, renderSql, splitStatements } from './migration-files.ts';

export type MigratorOptions = {
  dir: string;
  database: string;
  cluster?: string | undefined;
  log: Logger;
  /** How long to wait for another runner's lock before giving up. */
  lockWaitMs?: number;
  /** A lock older than this is reported as stale (use `migrate unlock` once sure no runner is alive). */
  staleLockMs?: number;
};

export type MigrationState = { file: MigrationFile; applied?: { checksum: string; status: string; appliedAt: string } };

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const LOCK_TABLE = 'schema_migrations_lock';

/**
 * Applies numbered SQL files once each, in order, recording them in `schema_migrations` with their checksums.
 * Refuses to run when an applied file changed; a lock table makes a second runner wait (and then find nothing
 * to do) instead of racing. Re-running is a no-op.
 */
export class Migrator {
  readonly #ch: ClickHouseClient;
  readonly #o: Required<Omit<MigratorOptions, 'cluster'>> & { cluster?: string | undefined };

  constructor(admin: ClickHouseClient, options: MigratorOptions) {
    this.#ch = admin;
    this.#o = { lockWaitMs: 60_000, staleLockMs: 15 * 60_000, ...options };
  }

  #render(sql: string): string {
    return renderSql(sql, { database: this.#o.database, cluster: this.#o.cluster });
  }

  async #exec(sql: string): Promise<void> {
    await this.#ch.command({ query: sql, clickhouse_settings: { wait_end_of_query: 1 } });
  }

  async #ensureBookkeeping(): Promise<void> {
    await this.#exec(this.#render('CREATE DATABASE IF NOT EXISTS {{database}} {{on_cluster}}'));
    await this.#exec(
      this.#render(`CREATE TABLE IF NOT EXISTS {{database}}.schema_migrations {{on_cluster}} (
        version UInt32, name String, checksum String, status LowCardinality(String),
        applied_at DateTime64(3, 'UTC'), duration_ms UInt32
      ) ENGINE = {{engine ReplacingMergeTree(applied_at)}} ORDER BY version`),
    );
  }

  async status(): Promise<MigrationState[]> {
    await this.#ensureBookkeeping();
    return this.#states();
  }

  async #states(): Promise<MigrationState[]> {
    const files = readMigrations(this.#o.dir);
    const rows = await this.#ch.query({
      query: `SELECT version, checksum, status, toString(applied_at) AS applied_at FROM ${this.#o.database}.schema_migrations FINAL`,
      format: 'JSONEachRow',
    });
    const applied = new Map<number, { checksum: string; status: string; appliedAt: string }>();
    for (const r of await rows.json<{ version: number; checksum: string; status: string; applied_at: string }>()) {
      applied.set(Number(r.version), { checksum: r.checksum, status: r.status, appliedAt: r.applied_at });
    }
    return files.map((file) => {
      const a = applied.get(file.version);
      return a ? { file, applied: a } : { file };
    });
  }

  async #hasWritableAccessStorage(): Promise<boolean> {
    const rs = await this.#ch.query({
      query: `SELECT count() AS n FROM system.user_directories WHERE type IN ('local_directory', 'replicated', 'memory')`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string }>();
    return Number(row?.n ?? 0) > 0;
  }

  async #acquireLock(holder: string): Promise<void> {
    const deadline = Date.now() + this.#o.lockWaitMs;
    for (;;) {
      try {
        // CREATE TABLE without IF NOT EXISTS succeeds for exactly one runner: that is the mutex.
        await this.#exec(`CREATE TABLE ${this.#o.database}.${LOCK_TABLE} (holder String, acquired_at DateTime DEFAULT now()) ENGINE = Log`);
        await this.#ch.insert({ table: `${this.#o.database}.${LOCK_TABLE}`, values: [{ holder }], format: 'JSONEachRow' });
        return;
      } catch (err) {
        if (!String((err as Error).message).includes('already exists')) throw err;
      }
      if (Date.now() >= deadline) {
        const info = await this.#lockInfo();
        const stale = info && Date.now() - Date.parse(`${info.acquired_at}Z`) > this.#o.staleLockMs;
        throw new MigrationError(
          `migrations are locked by ${info?.holder ?? 'another runner'} since ${info?.acquired_at ?? '?'} UTC` +
            (stale ? ' (stale: if no runner is alive, run `pnpm migrate unlock`)' : '; try again when it finished'),
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async #lockInfo(): Promise<{ holder: string; acquired_at: string } | undefined> {
    try {
      const rs = await this.#ch.query({
        query: `SELECT holder, toString(acquired_at) AS acquired_at FROM ${this.#o.database}.${LOCK_TABLE} LIMIT 1`,
        format: 'JSONEachRow',
      });
      return (await rs.json<{ holder: string; acquired_at: string }>())[0];
    } catch {
      return undefined;
    }
  }

  /** Drops the lock table (it holds only the holder's name, never loaded data). */
  async unlock(): Promise<void> {
    await this.#exec(`DROP TABLE IF EXISTS ${this.#o.database}.${LOCK_TABLE}`);
  }

  async up(): Promise<{ applied: string[]; skipped: string[] }> {
    const log = this.#o.log;
    await this.#ensureBookkeeping();
    const holder = `${hostname()}/${process.pid}/${Date.now()}`;
    await this.#acquireLock(holder);
    try {
      const states = await this.#states();
      const changed = states.filter((s) => s.applied && s.applied.checksum !== s.file.checksum);
      if (changed.length > 0) {
        throw new MigrationError(
          `applied migration files changed: ${changed.map((s) => s.file.file).join(', ')}. ` +
            'Applied migrations are immutable; restore them and add a new numbered file instead.',
        );
      }
      const accessOk = states.some((s) => s.file.requiresAccessManagement) ? await this.#hasWritableAccessStorage() : false;
      const applied: string[] = [];
      const skipped: string[] = [];
      for (const { file, applied: done } of states) {
        if (done && !(done.status === 'skipped' && file.requiresAccessManagement && accessOk)) continue;
        if (file.requiresAccessManagement && !accessOk) {
          if (!done) {
            log.warn({ migration: file.file }, 'server has no writable access storage (e.g. embedded clickhouse-local): roles and grants skipped');
            await this.#record(file, 'skipped', 0);
            skipped.push(file.file);
          }
          continue;
        }
        const started = Date.now();
        for (const statement of splitStatements(this.#render(file.sql))) await this.#exec(statement);
        await this.#record(file, 'applied', Date.now() - started);
        log.info({ migration: file.file, ms: Date.now() - started }, 'migration applied');
        applied.push(file.file);
      }
      return { applied, skipped };
    } finally {
      await this.unlock();
    }
  }

  async #record(file: MigrationFile, status: 'applied' | 'skipped', durationMs: number): Promise<void> {
    await this.#ch.insert({
      table: `${this.#o.database}.schema_migrations`,
      values: [{ version: file.version, name: file.name, checksum: file.checksum, status, applied_at: new Date().toISOString(), duration_ms: durationMs }],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }
}

export { readMigrations };

import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type TestClickHouse, testClickHouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MigrationError, Migrator, readMigrations, renderSql, splitStatements } from '../src/index.ts';

const repoMigrations = resolve(import.meta.dirname, '../../../migrations');
const log = createLogger({ name: 'migrations-test', level: 'silent' });

function copyMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qtp-mig-'));
  cpSync(repoMigrations, dir, { recursive: true });
  return dir;
}

async function tables(ch: TestClickHouse): Promise<string[]> {
  const rs = await ch.admin.query({
    query: `SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`,
    query_params: { db: ch.database },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ name: string }>()).map((r) => r.name);
}

describe('migration files', () => {
  it('are numbered, additive and render for a single server', () => {
    const files = readMigrations(repoMigrations);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const sql = renderSql(f.sql, { database: 'db1' });
      expect(sql).not.toMatch(/\{\{|ON CLUSTER|Replicated/);
    }
  });

  it('render ON CLUSTER and Replicated engines in cluster mode', () => {
    const sql = renderSql(
      'CREATE TABLE IF NOT EXISTS {{database}}.t {{on_cluster}} (a UInt8, _ver UInt64) ENGINE = {{engine ReplacingMergeTree(_ver)}} ORDER BY a',
      { database: 'analytics', cluster: 'main' },
    );
    expect(sql).toBe(
      "CREATE TABLE IF NOT EXISTS analytics.t ON CLUSTER 'main' (a UInt8, _ver UInt64) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', _ver) ORDER BY a",
    );
    expect(renderSql('ENGINE = {{engine AggregatingMergeTree()}}', { database: 'a', cluster: 'c' })).toBe(
      "ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')",
    );
    for (const f of readMigrations(repoMigrations)) {
      const rendered = renderSql(f.sql, { database: 'analytics', cluster: 'main' });
      if (/CREATE TABLE/.test(rendered)) expect(rendered).toMatch(/ON CLUSTER 'main'[\s\S]*Replicated\w+MergeTree\(/);
    }
  });

  it('refuse unknown templates and bad names', () => {
    expect(() => renderSql('{{databse}}.t', { database: 'a' })).toThrow(/unknown template/);
    expect(() => renderSql('x', { database: 'a;drop' })).toThrow(/plain identifier/);
  });

  it('refuse destructive statements', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtp-mig-'));
    writeFileSync(join(dir, '0001_bad.sql'), 'DROP TABLE {{database}}.stg_orders;');
    expect(() => readMigrations(dir)).toThrow(/must be additive/);
    writeFileSync(join(dir, '0001_bad.sql'), 'TRUNCATE TABLE {{database}}.stg_orders;');
    expect(() => readMigrations(dir)).toThrow(/must be additive/);
  });

  it('split at statement ends, ignoring comments', () => {
    expect(splitStatements('-- note; here\nSELECT 1;\n/* a; b */\nSELECT\n  2;\n')).toEqual(['SELECT 1', 'SELECT\n  2']);
  });
});

describe('Migrator against a real ClickHouse', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testClickHouse('mig');
  });
  afterAll(async () => ch.close());

  const migrator = (dir: string, extra: { lockWaitMs?: number } = {}) => new Migrator(ch.admin, { dir, database: ch.database, log, ...extra });

  it('applies all files, records checksums, and a re-run is a no-op', async () => {
    const dir = copyMigrations();
    const first = await migrator(dir).up();
    const expected = readdirSync(dir).filter((f) => f.endsWith('.sql'));
    expect([...first.applied, ...first.skipped].sort()).toEqual(expected.sort());
    expect(await tables(ch)).toEqual(expect.arrayContaining(['etl_state', 'meta_job_runs', 'quarantine', 'schema_migrations']));
    expect(await tables(ch)).not.toContain('schema_migrations_lock');

    const second = await migrator(dir).up();
    expect(second).toEqual({ applied: [], skipped: [] });
    const status = await migrator(dir).status();
    expect(status.every((s) => s.applied && s.applied.checksum === s.file.checksum)).toBe(true);
  });

  it('applies only the new file on the next run', async () => {
    const dir = copyMigrations();
    await migrator(dir).up();
    writeFileSync(
      join(dir, '0999_extra.sql'),
      'CREATE TABLE IF NOT EXISTS {{database}}.stg_extra {{on_cluster}} (id UInt64) ENGINE = {{engine ReplacingMergeTree()}} ORDER BY id;\n',
    );
    expect((await migrator(dir).up()).applied).toEqual(['0999_extra.sql']);
    expect(await tables(ch)).toContain('stg_extra');
  });

  it('refuses to run when an applied file changed, and applies nothing', async () => {
    const dir = copyMigrations();
    await migrator(dir).up();
    const [first] = readMigrations(dir);
    writeFileSync(join(dir, first!.file), `${first!.sql}\n-- edited after it was applied\n`);
    writeFileSync(join(dir, '0998_later.sql'), 'CREATE TABLE IF NOT EXISTS {{database}}.stg_later (id UInt64) ENGINE = MergeTree ORDER BY id;\n');
    await expect(migrator(dir).up()).rejects.toThrow(MigrationError);
    await expect(migrator(dir).up()).rejects.toThrow(first!.file);
    expect(await tables(ch)).not.toContain('stg_later');
    expect(await tables(ch)).not.toContain('schema_migrations_lock');
  });

  it('blocks a second runner while the lock is held', async () => {
    const dir = copyMigrations();
    await ch.admin.command({ query: `CREATE TABLE ${ch.database}.schema_migrations_lock (holder String, acquired_at DateTime DEFAULT now()) ENGINE = Log` });
    await ch.admin.insert({ table: `${ch.database}.schema_migrations_lock`, values: [{ holder: 'other-host/42' }], format: 'JSONEachRow' });
    await expect(migrator(dir, { lockWaitMs: 300 }).up()).rejects.toThrow(/locked by other-host\/42/);
    await migrator(dir).unlock();
    await expect(migrator(dir, { lockWaitMs: 300 }).up()).resolves.toBeDefined();
  });

  it('lets concurrent runners apply each migration exactly once', async () => {
    const other = await testClickHouse('migc');
    try {
      const dir = copyMigrations();
      const runners = [1, 2, 3].map(() => new Migrator(other.admin, { dir, database: other.database, log, lockWaitMs: 30_000 }));
      const results = await Promise.all(runners.map((m) => m.up()));
      const total = results.flatMap((r) => [...r.applied, ...r.skipped]);
      expect(total.sort()).toEqual(
        readMigrations(dir)
          .map((f) => f.file)
          .sort(),
      );
      const rs = await other.admin.query({
        query: `SELECT version, count() AS n FROM ${other.database}.schema_migrations GROUP BY version HAVING n > 1`,
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('records roles as skipped where the server has no writable access storage', async () => {
    const rs = await ch.admin.query({
      query: `SELECT count() AS n FROM system.user_directories WHERE type IN ('local_directory','replicated','memory')`,
      format: 'JSONEachRow',
    });
    const [{ n }] = (await rs.json()) as [{ n: string }];
    const status = await migrator(copyMigrations()).status();
    const roles = status.find((s) => s.file.requiresAccessManagement);
    expect(roles?.applied?.status).toBe(Number(n) > 0 ? 'applied' : 'skipped');
  });
});

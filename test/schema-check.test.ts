import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@qtp/embedded';
import { checkSchema, createClickHouse, createLogger, guardSchema, Migrator } from '@qtp/shared';
import { MIGRATIONS_DIR, runProcess, type TestClickHouse, testClickHouse, uniqueName } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const FILES = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();
const LAST = FILES.at(-1) as string;

const run = (script: string, args: string[], env: Record<string, string>) =>
  runProcess(
    process.execPath,
    [resolve(ROOT, script), ...args],
    { QTP_ENV_FILE: '/dev/null', QTP_ENV: 'dev', LOG_FORMAT: 'json', ...env },
    { timeoutMs: 25_000 },
  );

describe('a schema that is not migrated stops the apps at start, and status names it', () => {
  let partial: TestClickHouse;
  let older: string;
  const missingDb = uniqueName('nodb');
  beforeAll(async () => {
    // A database migrated by an older checkout: every file but the last one.
    partial = await testClickHouse('partial');
    older = mkdtempSync(join(tmpdir(), 'qtp-migrations-'));
    cpSync(MIGRATIONS_DIR, older, { recursive: true });
    rmSync(join(older, LAST));
    await new Migrator(partial.admin, { dir: older, database: partial.database, log: createLogger({ name: 'm', level: 'silent' }) }).up();
  });
  afterAll(async () => {
    await partial?.close();
    if (older) rmSync(older, { recursive: true, force: true });
  });

  it('checkSchema: a missing database, an unapplied migration, then ok once migrated', async () => {
    const missing = await checkSchema(partial.client, missingDb);
    expect(missing).toEqual({
      ok: false,
      unreachable: false,
      message: `database ${missingDb} does not exist: run \`pnpm migrate\` (compose: the migrate service) first`,
    });
    const behind = await checkSchema(partial.client, partial.database);
    expect(behind).toEqual({
      ok: false,
      unreachable: false,
      message: `database ${partial.database} lacks 1 migration (${LAST}): run \`pnpm migrate\` (compose: the migrate service) first`,
    });
    expect(await checkSchema(partial.client, partial.database, older)).toEqual({ ok: true });
  });

  it('guardSchema: exit 2 on a missing schema; with ClickHouse unreachable the app goes on and checks again later', async () => {
    const log = createLogger({ name: 'guard', level: 'silent' });
    const exits: number[] = [];
    const exit = ((c: number) => {
      exits.push(c);
    }) as (c: number) => never;
    await guardSchema({ clickhouse: partial.client, database: missingDb, log, exit });
    expect(exits).toEqual([2]);
    const down = createClickHouse({ ...partial.settings, CLICKHOUSE_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const guard = await guardSchema({ clickhouse: down, database: partial.database, log, exit, retryMs: 50 });
      await new Promise((r) => setTimeout(r, 300));
      guard.stop();
      expect(exits).toEqual([2]);
    } finally {
      await down.close();
    }
  });

  it.each(['scheduler', 'writer', 'webhooks'])('%s exits 2 naming the database, the missing migration and `pnpm migrate`', async (app) => {
    const env = {
      ...(app === 'webhooks' ? { WEBHOOK_SECRET: 'test-webhook-secret-0123456789', PII_HASH_SALT: 'test-salt-0123456789abcdef', WEBHOOK_PORT: '0' } : {}),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: uniqueName('schema'),
      CLICKHOUSE_URL: partial.settings.CLICKHOUSE_URL,
      METRICS_PORT: '0',
    };
    const noDb = await run(`apps/${app}/src/main.ts`, [], { ...env, CLICKHOUSE_DATABASE: missingDb });
    expect(noDb.code).toBe(2);
    expect(noDb.err).toBe(`schema not ready: database ${missingDb} does not exist: run \`pnpm migrate\` (compose: the migrate service) first\n`);
    expect(noDb.out).not.toMatch(new RegExp(`"${app} started"`));
    const behind = await run(`apps/${app}/src/main.ts`, [], { ...env, CLICKHOUSE_DATABASE: partial.database });
    expect(behind.code).toBe(2);
    expect(behind.err).toContain(`database ${partial.database} lacks 1 migration (${LAST}): run \`pnpm migrate\``);
  });

  it('status --check names the missing database instead of "ClickHouse unreachable"', async () => {
    const s = await run('packages/status/src/status.cli.ts', ['--check', '--timeout', '5s'], {
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: uniqueName('schema'),
      CLICKHOUSE_URL: partial.settings.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: missingDb,
    });
    expect(s.code).toBe(1);
    const host = new URL(partial.settings.CLICKHOUSE_URL).host;
    expect(s.out.split('\n')[0]).toBe(
      `problem: ClickHouse schema not ready (stream state unknown): ClickHouse at ${host}: database ${missingDb} does not exist: run \`pnpm migrate\` (compose: the migrate service) first`,
    );
    expect(s.out).not.toContain('unreachable');
  });
});

import { resolve } from 'node:path';
import { createLogger, Migrator } from '@qtp/shared';
import { type TestClickHouse, testClickHouse } from './servers.ts';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../../../migrations');

/** A fresh database with every migration applied. */
export async function testWarehouse(prefix = 'wh'): Promise<TestClickHouse> {
  const ch = await testClickHouse(prefix);
  await new Migrator(ch.admin, { dir: MIGRATIONS_DIR, database: ch.database, log: createLogger({ name: 'test-migrate', level: 'silent' }) }).up();
  return ch;
}

export async function count(ch: TestClickHouse, sql: string, params: Record<string, unknown> = {}): Promise<number> {
  const rs = await ch.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const [row] = await rs.json<Record<string, string>>();
  return Number(Object.values(row ?? {})[0] ?? 0);
}

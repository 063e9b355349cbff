import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { type ClickHouseSettings, closeRedis, createClickHouse, createClickHouseAdmin, createRedis } from '@qtp/shared';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

export type TestClickHouse = { settings: ClickHouseSettings; database: string; client: ClickHouseClient; admin: ClickHouseClient; close: () => Promise<void> };

/** A fresh database on the run's ClickHouse, for one test file. Created empty; the caller migrates it. */
export async function testClickHouse(prefix = 'test'): Promise<TestClickHouse> {
  const database = uniqueName(prefix);
  const settings: ClickHouseSettings = {
    CLICKHOUSE_URL: inject('clickhouseUrl'),
    CLICKHOUSE_USER: 'default',
    CLICKHOUSE_PASSWORD: '',
    CLICKHOUSE_DATABASE: database,
  };
  const admin = createClickHouseAdmin(settings);
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  const client = createClickHouse(settings);
  return {
    settings,
    database,
    client,
    admin,
    close: async () => {
      await client.close();
      await admin.close();
    },
  };
}

export type TestRedis = {
  url: string;
  prefix: string;
  redis: Redis;
  /** For BullMQ objects that should own (and close) their connection. */
  connectionOptions: { host: string; port: number; maxRetriesPerRequest: null };
  close: () => Promise<void>;
};

/** A Redis connection and a key prefix of its own, for one test file. */
export function testRedis(prefix = 'test'): TestRedis {
  const url = inject('redisUrl');
  const redis = createRedis(url, uniqueName(prefix));
  const u = new URL(url);
  const connectionOptions = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  return { url, prefix: uniqueName(prefix), redis, connectionOptions, close: () => closeRedis(redis) };
}

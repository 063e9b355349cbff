import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouse, startRedis } from '@qtp/embedded';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    redisUrl: string;
  }
}

/**
 * Real servers for the whole test run: CLICKHOUSE_URL / REDIS_URL when set (CI services, docker, your own);
 * otherwise an embedded ClickHouse (chdb's clickhouse-local with listeners) and a redis-server, each on a free
 * loopback port in a temp dir, stopped by pid afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'qtp-test-'));
  const [clickhouseUrl, redisUrl] = await Promise.all([
    process.env.CLICKHOUSE_URL ??
      startClickHouse({ dataDir: join(dir, 'clickhouse') }).then((ch) => {
        stops.push(ch.stop);
        return ch.url;
      }),
    process.env.REDIS_URL ??
      startRedis({ dataDir: join(dir, 'redis') }).then((r) => {
        stops.push(r.stop);
        return r.url;
      }),
  ]);
  project.provide('clickhouseUrl', clickhouseUrl);
  project.provide('redisUrl', redisUrl);
  return async () => {
    await Promise.all(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClickHouse, startRedis } from '@qtp/embedded';
import type { TestProject } from 'vitest/node';
import { dockerEngineAvailable, startClickHouseContainer, startRedisContainer } from './containers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    redisUrl: string;
    /** Where the servers come from: env (CLICKHOUSE_URL / REDIS_URL), docker (testcontainers) or embedded. */
    serversFrom: string;
  }
}

/**
 * Real servers for the whole test run, in this order of preference:
 *  - CLICKHOUSE_URL / REDIS_URL when set (CI services, your own);
 *  - with a Docker engine (detected in at most a second), containers of the compose stack's images from
 *    testcontainers, removed afterwards (QTP_TEST_SERVERS=embedded skips them);
 *  - otherwise an embedded ClickHouse (chdb's clickhouse-local with listeners) and a redis-server, each on a free
 *    loopback port in a temp dir, stopped by pid afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'qtp-test-'));
  const needServer = !process.env.CLICKHOUSE_URL || !process.env.REDIS_URL;
  const docker = needServer && process.env.QTP_TEST_SERVERS !== 'embedded' && (await dockerEngineAvailable());
  const started = <T extends { url: string; stop: () => Promise<void> }>(s: T) => {
    stops.push(s.stop);
    return s.url;
  };
  const [clickhouseUrl, redisUrl] = await Promise.all([
    process.env.CLICKHOUSE_URL ?? (docker ? startClickHouseContainer() : startClickHouse({ dataDir: join(dir, 'clickhouse') })).then(started),
    process.env.REDIS_URL ?? (docker ? startRedisContainer() : startRedis({ dataDir: join(dir, 'redis') })).then(started),
  ]);
  project.provide('clickhouseUrl', clickhouseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('serversFrom', needServer ? (docker ? 'docker' : 'embedded') : 'env');
  return async () => {
    await Promise.all(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  };
}

import { resolve } from 'node:path';
import { createLogger, intFromEnv, loadConfig, logEnv, parseCli } from '@qtp/shared';
import { z } from 'zod';
import { startClickHouse } from './clickhouse.launcher.ts';
import { startRedis } from './redis.launcher.ts';

/**
 * `pnpm services`: a persistent local ClickHouse and Redis for running the stack without Docker.
 * Data stays in EMBEDDED_DATA_DIR between runs; Ctrl-C stops both.
 */
parseCli(
  'services',
  `usage: pnpm services
  a persistent local ClickHouse (HTTP EMBEDDED_CLICKHOUSE_HTTP_PORT, default 18123) and Redis (EMBEDDED_REDIS_PORT, default
  16379), data in EMBEDDED_DATA_DIR (default .data); prints CLICKHOUSE_URL and REDIS_URL; Ctrl-C stops both`,
  {},
);
const cfg = loadConfig(
  z.object({
    ...logEnv,
    EMBEDDED_DATA_DIR: z.string().default(resolve(import.meta.dirname, '../../../.data')),
    EMBEDDED_CLICKHOUSE_HTTP_PORT: intFromEnv(1024, 65535).default(18123),
    EMBEDDED_CLICKHOUSE_TCP_PORT: intFromEnv(1024, 65535).default(19000),
    EMBEDDED_REDIS_PORT: intFromEnv(1024, 65535).default(16379),
  }),
);
const log = createLogger({ name: 'services', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const [ch, redis] = await Promise.all([
  startClickHouse({
    dataDir: resolve(cfg.EMBEDDED_DATA_DIR, 'clickhouse'),
    httpPort: cfg.EMBEDDED_CLICKHOUSE_HTTP_PORT,
    tcpPort: cfg.EMBEDDED_CLICKHOUSE_TCP_PORT,
  }),
  startRedis({ dataDir: resolve(cfg.EMBEDDED_DATA_DIR, 'redis'), port: cfg.EMBEDDED_REDIS_PORT, persistent: true }),
]);
process.stdout.write(`CLICKHOUSE_URL=${ch.url}\nREDIS_URL=${redis.url}\n(Ctrl-C stops both; data in ${cfg.EMBEDDED_DATA_DIR})\n`);
const stop = async () => {
  await Promise.all([ch.stop(), redis.stop()]);
  log.info('services stopped');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);

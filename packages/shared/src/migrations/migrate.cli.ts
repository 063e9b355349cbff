import { resolve } from 'node:path';
import { z } from 'zod';
import { clickhouseEnv, logEnv } from '../config/common.schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { createClickHouseAdmin } from '../connections/clickhouse.ts';
import { createLogger } from '../logging/logger.ts';
import { MigrationError, Migrator } from './migrator.ts';
import { ensureUsers } from './users.ts';

const usage = 'usage: pnpm migrate [up|status|unlock|users]';
const command = process.argv[2] ?? 'up';
if (!['up', 'status', 'unlock', 'users'].includes(command)) {
  process.stderr.write(`${usage}\n`);
  process.exit(64);
}

const cfg = loadConfig(
  z.object({
    ...logEnv,
    ...clickhouseEnv,
    MIGRATIONS_DIR: z.string().default(resolve(import.meta.dirname, '../../../../migrations')),
    CLICKHOUSE_ETL_WRITER_USER: z.string().default('qtp_etl'),
    CLICKHOUSE_ETL_WRITER_PASSWORD: z.string().min(12).optional(),
    CLICKHOUSE_DATALENS_USER: z.string().default('datalens'),
    CLICKHOUSE_DATALENS_PASSWORD: z.string().min(12).optional(),
  }),
);
const log = createLogger({ name: 'migrate', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const admin = createClickHouseAdmin(cfg);
const migrator = new Migrator(admin, { dir: cfg.MIGRATIONS_DIR, database: cfg.CLICKHOUSE_DATABASE, cluster: cfg.CLICKHOUSE_CLUSTER, log });

try {
  if (command === 'status') {
    for (const s of await migrator.status()) {
      const state = s.applied
        ? `${s.applied.status} ${s.applied.appliedAt}${s.applied.checksum !== s.file.checksum ? ' CHANGED SINCE APPLIED' : ''}`
        : 'pending';
      process.stdout.write(`${s.file.file.padEnd(40)} ${state}\n`);
    }
  } else if (command === 'unlock') {
    await migrator.unlock();
    log.info('migration lock removed');
  } else if (command === 'users') {
    await ensureUsers(admin, cfg, log);
  } else {
    const { applied, skipped } = await migrator.up();
    log.info({ database: cfg.CLICKHOUSE_DATABASE, applied, skipped }, applied.length ? 'migrations applied' : 'schema up to date');
  }
} catch (err) {
  if (err instanceof MigrationError) {
    process.stderr.write(`migrate: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    log.error({ err }, 'migrate failed');
    process.exitCode = 1;
  }
} finally {
  await admin.close();
}

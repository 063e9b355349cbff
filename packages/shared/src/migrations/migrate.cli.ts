import { loadConfig } from '../config/load-config.ts';
import { createClickHouseAdmin } from '../connections/clickhouse.ts';
import { createLogger } from '../logging/logger.ts';
import { migrateEnv } from './migrate.config.ts';
import { MigrationError, Migrator } from './migrator.ts';
import { ensureUsers } from './users.ts';

// deploy = up, then users (the compose stack's migrate service: schema first, then the login users of the roles).
const usage = 'usage: pnpm migrate [up|status|unlock|users|deploy]';
const command = process.argv[2] ?? 'up';
if (!['up', 'status', 'unlock', 'users', 'deploy'].includes(command)) {
  process.stderr.write(`${usage}\n`);
  process.exit(64);
}

const cfg = loadConfig(migrateEnv);
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
    if (command === 'deploy') await ensureUsers(admin, cfg, log);
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

import { parseCli, usageError } from '../cli/cli.ts';
import { loadConfig } from '../config/load-config.ts';
import { createClickHouseAdmin } from '../connections/clickhouse.ts';
import { createLogger } from '../logging/logger.ts';
import { checkReadiness, clickhouseCheck } from '../ops/ops-server.ts';
import { migrateEnv } from './migrate.config.ts';
import { MigrationError, Migrator } from './migrator.ts';
import { applyRawRetention, parseRetentionDays } from './raw-retention.ts';
import { ensureUsers } from './users.ts';

const USAGE = `usage: pnpm migrate [up|status|unlock|users|deploy]
  up      apply pending migrations (default); a second runner waits for the lock, then finds nothing to do
  status  list every migration file: applied (when, status) or pending, and whether an applied file changed since
  unlock  clear a stale lock left by a runner that died
  users   create or update the login users from CLICKHOUSE_ETL_WRITER_PASSWORD / CLICKHOUSE_DATALENS_PASSWORD
  deploy  up, then users (the compose stack's migrate service)
exit codes: 0 done, 1 failed (ClickHouse unreachable, a changed or non-additive file), 2 bad arguments or settings`;
const COMMANDS = ['up', 'status', 'unlock', 'users', 'deploy'];
const args = parseCli('migrate', USAGE, {});
if (args.positionals.length > 1) usageError('migrate', USAGE, 'give one command');
const command = args.positionals[0] ?? 'up';
if (!COMMANDS.includes(command)) usageError('migrate', USAGE, `unknown command "${command}" (commands: ${COMMANDS.join(', ')})`);

const cfg = loadConfig(migrateEnv);
const log = createLogger({ name: 'migrate', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const admin = createClickHouseAdmin(cfg);
const migrator = new Migrator(admin, { dir: cfg.MIGRATIONS_DIR, database: cfg.CLICKHOUSE_DATABASE, cluster: cfg.CLICKHOUSE_CLUSTER, log });

try {
  const reachable = await checkReadiness([clickhouseCheck(admin)], 10_000);
  if (!reachable.ready) throw new MigrationError(`ClickHouse at ${new URL(cfg.CLICKHOUSE_URL).host} not reachable: ${reachable.checks.clickhouse}`);
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
    const days = parseRetentionDays(cfg.RAW_RETENTION);
    await applyRawRetention(admin, { database: cfg.CLICKHOUSE_DATABASE, cluster: cfg.CLICKHOUSE_CLUSTER, days, log });
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

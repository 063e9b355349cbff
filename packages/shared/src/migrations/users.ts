import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logging/logger.ts';

type UsersConfig = {
  CLICKHOUSE_ETL_WRITER_USER: string;
  CLICKHOUSE_ETL_WRITER_PASSWORD?: string | undefined;
  CLICKHOUSE_DATALENS_USER: string;
  CLICKHOUSE_DATALENS_PASSWORD?: string | undefined;
};

const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * Login users for the two roles, with passwords from the environment (sha256-hashed by the server; the statements
 * are never logged). Users whose password is not set are left alone.
 */
export async function ensureUsers(admin: ClickHouseClient, cfg: UsersConfig, log: Logger): Promise<void> {
  const pairs: Array<[string, string | undefined, string]> = [
    [cfg.CLICKHOUSE_ETL_WRITER_USER, cfg.CLICKHOUSE_ETL_WRITER_PASSWORD, 'etl_writer'],
    [cfg.CLICKHOUSE_DATALENS_USER, cfg.CLICKHOUSE_DATALENS_PASSWORD, 'datalens_reader'],
  ];
  for (const [user, password, role] of pairs) {
    if (!password) {
      log.info({ user }, 'no password set for this user: skipped');
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(user)) throw new Error(`user name ${user} is not a plain identifier`);
    await admin.command({ query: `CREATE USER IF NOT EXISTS ${user} IDENTIFIED WITH sha256_password BY ${quote(password)}` });
    await admin.command({ query: `ALTER USER ${user} IDENTIFIED WITH sha256_password BY ${quote(password)}` });
    await admin.command({ query: `GRANT ${role} TO ${user}` });
    await admin.command({ query: `ALTER USER ${user} DEFAULT ROLE ${role}` });
    log.info({ user, role }, 'user ensured');
  }
}

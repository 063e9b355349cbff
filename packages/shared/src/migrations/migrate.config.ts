import { resolve } from 'node:path';
import { z } from 'zod';
import { clickhouseEnv, logEnv } from '../config/common.schema.ts';

/** Settings of `pnpm migrate` (the compose stack's `migrate` service): an admin login plus the login users' passwords. */
export const migrateEnv = z.object({
  ...logEnv,
  ...clickhouseEnv,
  MIGRATIONS_DIR: z.string().default(resolve(import.meta.dirname, '../../../../migrations')),
  CLICKHOUSE_ETL_WRITER_USER: z.string().default('qtp_etl'),
  CLICKHOUSE_ETL_WRITER_PASSWORD: z.string().min(12).optional(),
  CLICKHOUSE_DATALENS_USER: z.string().default('datalens'),
  CLICKHOUSE_DATALENS_PASSWORD: z.string().min(12).optional(),
});

export type MigrateConfig = z.output<typeof migrateEnv>;

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
  /** How long the raw landing keeps every record version it holds as history (`400d`); 0 keeps them forever. */
  RAW_RETENTION: z
    .string()
    .regex(/^\d+d?$/, 'must be a number of days such as 400d (0 = keep forever)')
    .default('400d'),
});

export type MigrateConfig = z.output<typeof migrateEnv>;

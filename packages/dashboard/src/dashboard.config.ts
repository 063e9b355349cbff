import { boolFromEnv, intFromEnv, logEnv, redisEnv } from '@qtp/shared';
import { z } from 'zod';
import { PASSWORD_HASH } from './password-hash.ts';

export const dashboardEnv = z.object({
  ...logEnv,
  ...redisEnv,
  DASHBOARD_HOST: z.string().default('127.0.0.1'),
  DASHBOARD_PORT: intFromEnv(1, 65535).default(3000),
  DASHBOARD_USER: z.string().min(1, 'must name the dashboard user'),
  DASHBOARD_PASSWORD_HASH: z.string().regex(PASSWORD_HASH, 'must be a scrypt hash from `pnpm dashboard:password`'),
  /** true: look only — no retry, clean, promote, remove, pause or add (Bull Board's readOnlyMode on every queue). */
  DASHBOARD_READ_ONLY: boolFromEnv.default(false),
});

export type DashboardConfig = z.output<typeof dashboardEnv>;

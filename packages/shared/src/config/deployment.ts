/**
 * Where a process runs: `QTP_ENV=dev` (the embedded `pnpm start`, the tests, the dev compose stack) or `prod`
 * (anything else: unset means prod, so a forgotten setting fails safe). Outside dev a process refuses to start
 * on published example secrets, the simulator's tokens, dev-only values and a passwordless ClickHouse login.
 */
export type DeploymentMode = 'dev' | 'prod';

/** Settings read by the loader itself for every process, on top of the process's own schema. */
export const LOADER_SETTINGS = ['QTP_ENV', 'QTP_ENV_FILE'] as const;

/** Settings holding secrets: checked against the known public values below outside dev. */
export const SECRET_SETTINGS = [
  'QTICKETS_TOKEN',
  'QTICKETS_PARTNERS_TOKEN',
  'PII_HASH_SALT',
  'CLICKHOUSE_PASSWORD',
  'CLICKHOUSE_ETL_WRITER_PASSWORD',
  'CLICKHOUSE_DATALENS_PASSWORD',
  'DASHBOARD_PASSWORD_HASH',
  'WEBHOOK_SECRET',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
] as const;

/**
 * Values published in this repository: `.env.example`'s salt, the simulator's tokens (packages/simulator DEFAULTS),
 * the dev compose stack's dashboard hash (password `dev-only-dashboard-password`). Any value starting with
 * `dev-only` is refused as well: the dev compose defaults all do.
 */
export const PUBLISHED_VALUES: readonly string[] = [
  'change-me-to-a-long-random-secret',
  'sim-token-0000000000000000',
  'sim-partner-key-000000000000',
  'scrypt.6465762d6f6e6c792d64617368627264.8bd5508bf142ed56d59a4752ce82c9b1d4dfc39ead3f35f29b9065349241d799',
];

export const DEV_ONLY_PREFIX = 'dev-only';

export function isPublishedValue(value: string): boolean {
  return PUBLISHED_VALUES.includes(value) || value.toLowerCase().startsWith(DEV_ONLY_PREFIX);
}

type Env = Record<string, string | undefined>;

/** The mode from `QTP_ENV` (unset or empty: prod), or a problem line when it is neither dev nor prod. */
export function deploymentMode(env: Env): { mode: DeploymentMode; problem?: string } {
  const raw = env.QTP_ENV;
  if (raw === undefined || raw === '' || raw === 'prod') return { mode: 'prod' };
  if (raw === 'dev') return { mode: 'dev' };
  return { mode: 'prod', problem: 'QTP_ENV: must be one of: dev, prod (unset means prod)' };
}

/**
 * Problems that stop a process outside dev, one line per variable, never carrying a value. `known` is the set of
 * settings the process reads (its schema's keys): only those are checked.
 */
export function deploymentProblems(known: ReadonlySet<string>, env: Env): string[] {
  const { mode, problem } = deploymentMode(env);
  if (problem) return [problem];
  if (mode === 'dev') return [];
  const problems: string[] = [];
  for (const name of SECRET_SETTINGS) {
    const value = env[name];
    if (known.has(name) && value !== undefined && value !== '' && isPublishedValue(value))
      problems.push(`${name}: is a published example or dev-only value; outside dev (QTP_ENV=dev) set a secret of your own`);
  }
  if (known.has('CLICKHOUSE_URL') && known.has('CLICKHOUSE_PASSWORD') && !env.CLICKHOUSE_PASSWORD)
    problems.push('CLICKHOUSE_PASSWORD: must be set outside dev (QTP_ENV=dev allows a passwordless ClickHouse login)');
  return problems;
}

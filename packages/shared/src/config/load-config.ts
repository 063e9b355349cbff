import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { REQUIRED_ONE_OF } from './common.schema.ts';
import { deploymentProblems, LOADER_SETTINGS } from './deployment.ts';

/** Thrown by parseConfig: one line per problem, each naming the variable. Never carries a value. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Env = Record<string, string | undefined>;

/** Reads KEY=VALUE lines of an env file; values already in `env` win (the process environment overrides the file). */
export function readEnvFile(path: string, env: Env): Env {
  if (!existsSync(path)) return env;
  const fromFile = parseEnv(readFileSync(path, 'utf8'));
  return { ...fromFile, ...env };
}

function describeIssue(issue: z.core.$ZodIssue, present: boolean): string {
  const custom = !/^Invalid|^Too (small|big)/.test(issue.message);
  if (!present && issue.path.length === 1) return 'is required but not set';
  if (custom) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'number' || issue.expected === 'int' ? 'a number' : issue.expected}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters long` : `must be ≥ ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters long` : `must be ≤ ${String(issue.maximum)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    default:
      // zod's own messages name the expectation, never the value.
      return issue.message;
  }
}

/**
 * Parses `env` with a zod object schema whose keys are variable names. Empty strings count as unset, so
 * `FOO=` in a .env file falls back to the default. Problems are reported by variable name only: a value is never
 * echoed, so a malformed secret cannot leak through the error.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const cleaned: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  const oneOf = REQUIRED_ONE_OF.filter((group) => group.every((k) => keys.includes(k)) && group.every((k) => cleaned[k] === undefined)).map(
    ([first, ...others]) => `${first}: is required but not set (or ${others.join(' or ')})`,
  );
  if (result.success && oneOf.length === 0) return result.data;
  const problems = (result.success ? [] : result.error.issues).map((issue) => {
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    const present = typeof issue.path[0] === 'string' && cleaned[issue.path[0]] !== undefined;
    return `${name}: ${describeIssue(issue, present)}`;
  });
  throw new ConfigError([...oneOf, ...problems]);
}

export type LoadConfigOptions = {
  env?: Env;
  envFile?: string | false;
  exit?: (code: number) => never;
  /**
   * Settings under the environment and the env file, computed from them (a CLI passes embeddedStackDefaults: the
   * URLs of a running `pnpm start`).
   */
  fallback?: (env: Env) => Env;
};

/** The settings a process reads: its schema's keys plus the loader's own (QTP_ENV, QTP_ENV_FILE). */
export function knownSettings(schema: z.ZodType): Set<string> {
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  return new Set([...keys, ...LOADER_SETTINGS]);
}

/**
 * Everything wrong with `env` for this schema, as a process would see it at start: the schema's problems plus,
 * outside dev (`QTP_ENV`), published example secrets and a passwordless ClickHouse login. Empty values count as unset.
 */
export function checkConfig<S extends z.ZodType>(schema: S, env: Env): { config?: z.output<S>; problems: string[] } {
  const problems: string[] = [];
  let config: z.output<S> | undefined;
  try {
    config = parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  problems.push(...deploymentProblems(knownSettings(schema), env));
  return problems.length === 0 ? { config, problems } : { problems };
}

/**
 * Parses the process configuration once at start. On error prints one line per problem to stderr and exits
 * with code 2 (configuration error), before any connection is opened. Outside dev (`QTP_ENV` unset or `prod`)
 * published example secrets and an empty ClickHouse password are errors too (see deployment.ts).
 */
export function loadConfig<S extends z.ZodType>(schema: S, options: LoadConfigOptions = {}): z.output<S> {
  const envFile = options.envFile ?? process.env.QTP_ENV_FILE ?? '.env';
  const base = options.env ?? process.env;
  const given = envFile === false ? base : readEnvFile(envFile, base);
  const env = options.fallback ? { ...options.fallback(given), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '')) } : given;
  const { config, problems } = checkConfig(schema, env);
  if (problems.length === 0) return config as z.output<S>;
  process.stderr.write(`configuration error (fix the settings below and start again):\n`);
  for (const p of problems) process.stderr.write(`  ${p}\n`);
  const exit = options.exit ?? ((code: number) => process.exit(code));
  return exit(2);
}

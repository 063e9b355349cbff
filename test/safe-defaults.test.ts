import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { hashPassword, verifyPassword } from '@qtp/dashboard';
import { fetcherEnv } from '@qtp/pipeline';
import { checkConfig, deploymentMode, isPublishedValue, PUBLISHED_VALUES } from '@qtp/shared';
import { DEFAULTS as SIMULATOR } from '@qtp/simulator';
import { uniqueName } from '@qtp/testing';
import { describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const app = (name: string) => resolve(ROOT, 'apps', name, 'src', 'main.ts');
const MIGRATE = resolve(ROOT, 'packages/shared/src/migrations/migrate.cli.ts');
const EXAMPLE = parseEnv(readFileSync(resolve(ROOT, '.env.example'), 'utf8')) as Record<string, string>;
const DEV_DASHBOARD_HASH = PUBLISHED_VALUES.find((v) => v.startsWith('scrypt.')) as string;

function run(file: string, env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [file, ...args], {
    env: { PATH: process.env.PATH, QTP_ENV_FILE: '/dev/null', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('what counts as published', () => {
  it('covers the example salt, the simulator tokens, the dev stack dashboard hash and dev-only values', () => {
    expect(isPublishedValue(EXAMPLE.PII_HASH_SALT as string)).toBe(true);
    expect(isPublishedValue(EXAMPLE.QTICKETS_TOKEN as string)).toBe(true);
    expect(isPublishedValue(SIMULATOR.token)).toBe(true);
    expect(isPublishedValue(SIMULATOR.partnersToken)).toBe(true);
    expect(verifyPassword('dev-only-dashboard-password', DEV_DASHBOARD_HASH)).toBe(true);
    expect(isPublishedValue('dev-only-anything')).toBe(true);
    expect(isPublishedValue(hashPassword('a real one'))).toBe(false);
  });

  it('reads QTP_ENV: unset or empty is prod, dev and prod as given, anything else a problem', () => {
    expect(deploymentMode({})).toEqual({ mode: 'prod' });
    expect(deploymentMode({ QTP_ENV: '' })).toEqual({ mode: 'prod' });
    expect(deploymentMode({ QTP_ENV: 'dev' })).toEqual({ mode: 'dev' });
    expect(deploymentMode({ QTP_ENV: 'production' }).problem).toMatch(/^QTP_ENV: must be one of: dev, prod/);
  });

  it('checks only the settings the process reads, and reports with the schema problems at once', () => {
    const { problems } = checkConfig(fetcherEnv, { QTICKETS_TOKEN: SIMULATOR.token, PII_HASH_SALT: 'short' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PII_HASH_SALT', 'QTICKETS_TOKEN', 'REDIS_URL']);
    expect(problems.join('\n')).not.toContain(SIMULATOR.token);
  });
});

describe('outside dev, processes refuse published secrets and a passwordless ClickHouse (exit 2, named, never printed)', () => {
  it('fetcher: the example salt and the simulator token', () => {
    const res = run(app('fetcher'), { REDIS_URL: 'redis://127.0.0.1:1', QTICKETS_TOKEN: SIMULATOR.token, PII_HASH_SALT: EXAMPLE.PII_HASH_SALT as string });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/QTICKETS_TOKEN: is a published example or dev-only value/);
    expect(res.stderr).toMatch(/PII_HASH_SALT: is a published example or dev-only value/);
    expect(res.stderr + res.stdout).not.toContain(SIMULATOR.token);
    expect(res.stderr + res.stdout).not.toContain(EXAMPLE.PII_HASH_SALT);
  });

  it.each(['writer', 'scheduler'])('%s: an empty ClickHouse password', (name) => {
    const res = run(app(name), { QTP_ENV: 'prod', REDIS_URL: 'redis://127.0.0.1:1', CLICKHOUSE_URL: 'http://127.0.0.1:1' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/CLICKHOUSE_PASSWORD: must be set outside dev/);
  });

  it('writer: a dev-only ClickHouse password', () => {
    const pw = 'dev-only-etl-writer-password';
    const res = run(app('writer'), { REDIS_URL: 'redis://127.0.0.1:1', CLICKHOUSE_URL: 'http://127.0.0.1:1', CLICKHOUSE_PASSWORD: pw });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/CLICKHOUSE_PASSWORD: is a published example or dev-only value/);
    expect(res.stderr).not.toContain(pw);
  });

  it('migrate: an empty admin password and dev-only login passwords', () => {
    const res = run(MIGRATE, { CLICKHOUSE_URL: 'http://127.0.0.1:1', CLICKHOUSE_DATALENS_PASSWORD: 'dev-only-datalens-password' }, ['status']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/CLICKHOUSE_PASSWORD: must be set outside dev/);
    expect(res.stderr).toMatch(/CLICKHOUSE_DATALENS_PASSWORD: is a published example/);
    expect(res.stderr).not.toContain('dev-only-datalens-password');
  });

  it('dashboard: the dev stack password hash', () => {
    const res = run(app('dashboard'), { REDIS_URL: 'redis://127.0.0.1:1', DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD_HASH: DEV_DASHBOARD_HASH });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/DASHBOARD_PASSWORD_HASH: is a published example/);
    expect(res.stderr).not.toContain(DEV_DASHBOARD_HASH);
  });

  it('an unknown QTP_ENV', () => {
    const res = run(app('transformer'), { QTP_ENV: 'staging', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/QTP_ENV: must be one of: dev, prod/);
  });
});

it('with QTP_ENV=dev the same fetcher settings start', async () => {
  const child = spawn(process.execPath, [app('fetcher')], {
    env: {
      PATH: process.env.PATH,
      QTP_ENV_FILE: '/dev/null',
      QTP_ENV: 'dev',
      LOG_FORMAT: 'json',
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: uniqueName('safe'),
      QTICKETS_TOKEN: SIMULATOR.token,
      PII_HASH_SALT: EXAMPLE.PII_HASH_SALT,
      METRICS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`fetcher did not start:\n${out}`)), 20_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (out.includes('fetcher started')) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => rej(new Error(`fetcher exited with ${code}:\n${out}`)));
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

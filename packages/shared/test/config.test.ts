import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, clickhouseEnv, intFromEnv, loadConfig, parseConfig, redisEnv } from '../src/index.ts';

const schema = z.object({
  ...clickhouseEnv,
  ...redisEnv,
  QTICKETS_TOKEN: z.string().min(20, 'must be at least 20 characters long'),
  WRITER_BATCH_ROWS: intFromEnv(1, 1_000_000).default(50_000),
});
const good = { CLICKHOUSE_URL: 'http://127.0.0.1:8123', REDIS_URL: 'redis://127.0.0.1:6379', QTICKETS_TOKEN: 'x'.repeat(32) };

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const cfg = parseConfig(schema, { ...good, WRITER_BATCH_ROWS: '1000' });
    expect(cfg.WRITER_BATCH_ROWS).toBe(1000);
    expect(cfg.CLICKHOUSE_DATABASE).toBe('qtickets');
    expect(cfg.QUEUE_PREFIX).toBe('qtp');
  });

  it('treats empty values as unset', () => {
    expect(parseConfig(schema, { ...good, CLICKHOUSE_DATABASE: '' }).CLICKHOUSE_DATABASE).toBe('qtickets');
  });

  it.each([
    [{ REDIS_URL: undefined }, 'REDIS_URL: is required but not set'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL: must start with redis:// or rediss://'],
    [{ WRITER_BATCH_ROWS: 'many' }, 'WRITER_BATCH_ROWS: must be'],
    [{ WRITER_BATCH_ROWS: '0' }, 'WRITER_BATCH_ROWS: must be ≥ 1'],
    [{ CLICKHOUSE_DATABASE: 'drop table;' }, 'CLICKHOUSE_DATABASE: must be a plain identifier'],
  ])('names the variable in %o', (override, message) => {
    const err = (() => {
      try {
        parseConfig(schema, { ...good, ...override });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join('\n')).toContain(message);
  });

  it('never echoes a secret value, even a malformed one', () => {
    const secret = 'short-secret-Q7x';
    try {
      parseConfig(schema, { ...good, QTICKETS_TOKEN: secret, CLICKHOUSE_URL: 'not a url' });
      expect.unreachable();
    } catch (e) {
      const text = `${(e as Error).message}\n${(e as ConfigError).problems.join('\n')}`;
      expect(text).toContain('QTICKETS_TOKEN');
      expect(text).toContain('CLICKHOUSE_URL');
      expect(text).not.toContain(secret);
    }
  });

  it('reports every problem at once', () => {
    try {
      parseConfig(schema, {});
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['CLICKHOUSE_URL', 'QTICKETS_TOKEN', 'REDIS_URL']);
    }
  });
});

describe('loadConfig', () => {
  it('reads an env file, with the process environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtp-cfg-'));
    const file = join(dir, '.env');
    writeFileSync(file, `REDIS_URL=redis://file:1\nQTICKETS_TOKEN=${'f'.repeat(24)}\nCLICKHOUSE_URL=http://file:8123\n`);
    const cfg = loadConfig(schema, { env: { CLICKHOUSE_URL: 'http://env:8123', QTP_ENV: 'dev' }, envFile: file });
    expect(cfg.CLICKHOUSE_URL).toBe('http://env:8123');
    expect(cfg.REDIS_URL).toBe('redis://file:1');
  });

  it('stops a real process with exit code 2, one line per variable, no secret', () => {
    const cli = resolve(import.meta.dirname, '../src/migrations/migrate.cli.ts');
    const secret = 'pw-that-is-too-short';
    const res = spawnSync(process.execPath, [cli, 'status'], {
      env: {
        PATH: process.env.PATH,
        QTP_ENV_FILE: '/nonexistent',
        CLICKHOUSE_URL: 'nope',
        CLICKHOUSE_ETL_WRITER_PASSWORD: 'short',
        CLICKHOUSE_PASSWORD: secret,
        LOG_LEVEL: 'loud',
      },
      encoding: 'utf8',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/CLICKHOUSE_URL: must be a URL/);
    expect(res.stderr).toMatch(/CLICKHOUSE_ETL_WRITER_PASSWORD: must be at least 12 characters long/);
    expect(res.stderr).toMatch(/LOG_LEVEL: must be one of/);
    expect(res.stderr).not.toContain('short');
    expect(res.stderr).not.toContain(secret);
    expect(res.stdout).toBe('');
  });
});

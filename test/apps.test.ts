import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { hashPassword } from '@qtp/dashboard';
import { freePort } from '@qtp/embedded';
import { testWarehouse, uniqueName, waitForOutput } from '@qtp/testing';
import { describe, expect, inject, it } from 'vitest';

const app = (name: string) => resolve(import.meta.dirname, '..', 'apps', name, 'src', 'main.ts');
const SECRET = 'tok-secret-that-must-not-leak';

/** The ops server whose address the app logged (METRICS_PORT=0) answers liveness, readiness and metrics. */
async function expectOpsEndpoints(name: string, log: string): Promise<void> {
  const line = log.split('\n').find((l) => l.includes('"ops server listening"'));
  const url = line ? (JSON.parse(line) as { url?: string }).url : undefined;
  expect(url, log).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const ready = await fetch(`${url}/readyz`);
  const body = (await ready.json()) as { status: string; checks: Record<string, string> };
  expect(ready.status, JSON.stringify(body)).toBe(200);
  const uses = name === 'scheduler' || name === 'writer' ? ['clickhouse', 'redis'] : ['redis'];
  expect(Object.keys(body.checks).sort()).toEqual(uses);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  for (const queue of ['plan', 'fetch', 'transform', 'write']) {
    expect(metrics).toMatch(new RegExp(`^qtp_queue_jobs\\{queue="${queue}",state="waiting",service="${name}"\\} \\d+$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^qtp_queue_workers\\{queue="${queue}",service="${name}"\\} \\d+$`, 'm'));
  }
  if (name === 'scheduler') {
    expect(metrics).toMatch(/^qtp_stream_stale_after_seconds\{stream="orders",service="scheduler"\} 900$/m);
    // Registered by this scheduler: the never-succeeded stream has a first-due time to count from.
    expect(metrics).toMatch(/^qtp_stream_first_due_timestamp_seconds\{stream="orders",service="scheduler"\} \d{10}$/m);
    expect(metrics).toMatch(/^qtp_stream_last_success_timestamp_seconds\{stream="orders",service="scheduler"\} 0$/m);
    // Off without a partner key: no series, so no alert.
    expect(metrics).not.toMatch(/^qtp_stream_\w+\{stream="partner_tickets"/m);
  }
}

describe('apps', () => {
  it.each([
    [
      'scheduler',
      { REDIS_URL: 'redis://x', CLICKHOUSE_URL: 'nope', SCHEDULE_ORDERS: 'every five minutes' },
      ['CLICKHOUSE_URL', 'SCHEDULE_ORDERS: must be a 5-field cron'],
    ],
    ['fetcher', { REDIS_URL: 'redis://x', QTICKETS_TOKEN: '', PII_HASH_SALT: 'short' }, ['QTICKETS_TOKEN: is required', 'PII_HASH_SALT: must be at least 16']],
    [
      'transformer',
      { TRANSFORM_CONCURRENCY: '0', METRICS_PORT: '70000' },
      ['REDIS_URL: is required', 'TRANSFORM_CONCURRENCY: must be ≥ 1', 'METRICS_PORT: must be ≤ 65535'],
    ],
    [
      'writer',
      { REDIS_URL: 'redis://x', CLICKHOUSE_URL: 'http://x', CLICKHOUSE_PASSWORD: SECRET, DRY_RUN: 'maybe', WRITER_FLUSH_MS: '1' },
      ['DRY_RUN: must be true or false', 'WRITER_FLUSH_MS: must be ≥ 10'],
    ],
    [
      'dashboard',
      { REDIS_URL: 'redis://x', DASHBOARD_PASSWORD_HASH: SECRET },
      ['DASHBOARD_USER: is required', 'DASHBOARD_PASSWORD_HASH: must be a scrypt hash'],
    ],
  ])('%s stops at start on bad config: exit 2, every variable named, no secret echoed', (name, env, messages) => {
    const res = spawnSync(process.execPath, [app(name)], {
      env: { PATH: process.env.PATH, QTP_ENV_FILE: '/dev/null', QTICKETS_TOKEN: SECRET, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(2);
    for (const m of messages) expect(res.stderr).toContain(m);
    expect(res.stderr + res.stdout).not.toContain(SECRET);
  });

  it.each(['scheduler', 'fetcher', 'transformer', 'writer', 'webhooks', 'dashboard'])(
    '%s starts against real servers and shuts down gracefully on SIGTERM',
    async (name) => {
      const ch = await testWarehouse('app');
      try {
        const child = spawn(process.execPath, [app(name)], {
          env: {
            PATH: process.env.PATH,
            QTP_ENV_FILE: '/dev/null',
            QTP_ENV: 'dev',
            LOG_FORMAT: 'json',
            REDIS_URL: inject('redisUrl'),
            QUEUE_PREFIX: uniqueName('app'),
            CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
            CLICKHOUSE_DATABASE: ch.database,
            DASHBOARD_USER: 'ops',
            DASHBOARD_PASSWORD_HASH: hashPassword('a-long-enough-password'),
            DASHBOARD_PORT: String(await freePort()),
            QTICKETS_TOKEN: 'tok-0123456789abcdef',
            PII_HASH_SALT: 'salt-0123456789abcdef',
            WEBHOOK_SECRET: 'webhook-secret-0123456789',
            WEBHOOK_PORT: '0',
            METRICS_PORT: '0',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out = await waitForOutput(child, new RegExp(`"${name} started"|${name} started`), 20_000);
        if (name !== 'dashboard') await expectOpsEndpoints(name, out);
        const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        await ch.close();
      }
    },
  );

  it('with Redis down an app stays alive and not ready, its Redis errors JSON log lines (nothing raw on stderr)', async () => {
    const child = spawn(process.execPath, [app('transformer')], {
      env: {
        PATH: process.env.PATH,
        QTP_ENV_FILE: '/dev/null',
        QTP_ENV: 'dev',
        LOG_FORMAT: 'json',
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        QUEUE_PREFIX: uniqueName('app'),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    try {
      const out = await waitForOutput(child, /"redis error"[\s\S]*"transformer started"|"transformer started"[\s\S]*"redis error"/, 20_000);
      const line = out.split('\n').find((l) => l.includes('"ops server listening"'));
      const url = (JSON.parse(line as string) as { url: string }).url;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: { redis: string } }).checks.redis).toMatch(/^connection /);
      for (const l of out.split('\n').filter(Boolean)) expect(() => JSON.parse(l), l).not.toThrow();
      expect(stderr).toBe('');
    } finally {
      // (A graceful stop waits for Redis up to the shutdown timeout; not what this test is about.)
      const exited = new Promise((res) => child.on('exit', res));
      child.kill('SIGKILL');
      await exited;
    }
  });
});

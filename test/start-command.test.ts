import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { groundTruthLine, operatorCommands } from '@qtp/embedded';
import { embeddedStackDefaults, writeEmbeddedStack } from '@qtp/shared';
import { testWarehouse } from '@qtp/testing';
import { describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

describe('the README run command', () => {
  it('`pnpm start --once` runs the whole pipeline on the embedded default and prints a summary matching the truth', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'packages/embedded/src/start.cli.ts'), '--once'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        QTP_ENV_FILE: '/dev/null',
        EMBEDDED_DATA_DIR: mkdtempSync(join(tmpdir(), 'qtp-start-')),
        SIM_ORDERS_PER_DAY: '40',
        SIM_HISTORY_DAYS: '15',
        LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/apps started: scheduler, fetcher, transformer, writer/);
    expect(res.stdout).toMatch(/orders loaded: \d{3,}/);
    expect(res.stdout).toMatch(/day\s+paid orders\s+tickets\s+revenue\s+refunds\s+net revenue/);
    expect(res.stdout).toContain("matches the simulator's ground truth: yes");
    // The operator commands, with this start's own URLs.
    const urls = /^ClickHouse (http:\/\/\S+), Redis (redis:\/\/\S+),/m.exec(res.stdout);
    expect(urls, res.stdout).not.toBeNull();
    expect(res.stdout).toContain('\n  EMBEDDED_DATA_DIR=');
    expect(res.stdout).toMatch(/\.\/pnpmw status\n.*\.\/pnpmw runs\n.*\.\/pnpmw requeue orders --wait\n/);
    expect(res.stdout).toContain(`REDIS_URL=${urls?.[2]} CLICKHOUSE_URL=${urls?.[1]} CLICKHOUSE_DATABASE=qtickets QTP_ENV=dev ./pnpmw status`);
  });
});

describe('start for a newcomer', () => {
  it('says "catching up", not "no", while the pipeline is still behind the simulator', () => {
    expect(groundTruthLine(true, { clockRunning: true })).toBe("matches the simulator's ground truth: yes");
    expect(groundTruthLine(false, { runInFlight: 'orders-r2', clockRunning: false })).toBe(
      "matches the simulator's ground truth: catching up (run orders-r2 in progress)",
    );
    expect(groundTruthLine(false, { clockRunning: true })).toMatch(/: catching up \(orders placed since/);
    expect(groundTruthLine(false, { clockRunning: false })).toBe("matches the simulator's ground truth: no");
  });

  it('prints that it runs until Ctrl-C and the commands to use meanwhile', () => {
    const text = operatorCommands({
      stackFile: '/r/.data/demo/stack.json',
      redisUrl: 'redis://127.0.0.1:1',
      clickhouseUrl: 'http://127.0.0.1:2',
      database: 'qtickets',
      once: false,
    });
    expect(text.split('\n')).toEqual([
      'runs until Ctrl-C (stops the apps, the simulator and the embedded servers)',
      'while it runs, from another terminal (they read /r/.data/demo/stack.json):',
      '  ./pnpmw status',
      '  ./pnpmw runs',
      '  ./pnpmw requeue orders --wait',
      '  or with the settings spelled out: REDIS_URL=redis://127.0.0.1:1 CLICKHOUSE_URL=http://127.0.0.1:2 CLICKHOUSE_DATABASE=qtickets QTP_ENV=dev ./pnpmw status',
      '',
    ]);
  });

  it("the CLIs use a running start's URLs when REDIS_URL and CLICKHOUSE_URL are unset (never a stale stack)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qtp-stack-'));
    const ch = await testWarehouse('stack');
    try {
      const stack = {
        pid: process.pid,
        REDIS_URL: inject('redisUrl'),
        CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: ch.database,
        QUEUE_PREFIX: 'qtp_stack',
      };
      writeEmbeddedStack(dir, stack);
      expect(embeddedStackDefaults({ EMBEDDED_DATA_DIR: dir })).toMatchObject({ REDIS_URL: stack.REDIS_URL, CLICKHOUSE_DATABASE: ch.database, QTP_ENV: 'dev' });
      expect(embeddedStackDefaults({ EMBEDDED_DATA_DIR: dir, REDIS_URL: 'redis://elsewhere:6379' })).toEqual({});
      const status = spawnSync(process.execPath, [join(ROOT, 'packages/status/src/status.cli.ts'), 'orders', '--json', '--timeout', '5s'], {
        env: { PATH: process.env.PATH, QTP_ENV_FILE: '/dev/null', EMBEDDED_DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(status.stderr).toBe('');
      const report = JSON.parse(status.stdout) as { streams: Array<{ stream: string }>; problems: string[] };
      expect(report.streams.map((s) => s.stream)).toEqual(['orders']);
      expect(report.problems.join('\n')).not.toMatch(/unreachable|schema/);
      // A start that is gone (its pid no longer alive) is not used.
      writeEmbeddedStack(dir, { ...stack, pid: 2 ** 22 + 12_345 });
      const stale = spawnSync(process.execPath, [join(ROOT, 'packages/status/src/status.cli.ts')], {
        env: { PATH: process.env.PATH, QTP_ENV_FILE: '/dev/null', EMBEDDED_DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(stale.status).toBe(2);
      expect(stale.stderr).toContain('REDIS_URL: is required but not set (or REDIS_SENTINELS)');
    } finally {
      await ch.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

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
  });
});

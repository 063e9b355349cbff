import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { missingHeapFlags, WORKER_NODE_OPTIONS } from '@qtp/shared';
import { uniqueName, waitForOutput } from '@qtp/testing';
import { describe, expect, inject, it } from 'vitest';

const app = (name: string) => resolve(import.meta.dirname, '..', 'apps', name, 'src', 'main.ts');
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('memory bounds independent of the launcher', () => {
  it('a process without a heap limit gets WORKER_NODE_OPTIONS; one with its own keeps it', () => {
    expect(missingHeapFlags([], {})).toEqual(WORKER_NODE_OPTIONS.split(' '));
    expect(missingHeapFlags([], { NODE_OPTIONS: '--enable-source-maps' })).toEqual(WORKER_NODE_OPTIONS.split(' '));
    expect(missingHeapFlags(['--max-old-space-size=300'], {})).toBeNull();
    expect(missingHeapFlags([], { NODE_OPTIONS: '--max-old-space-size=2048' })).toBeNull();
    expect(missingHeapFlags([], { QTP_HEAP_BOUND: '1' })).toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    '`node apps/transformer/src/main.ts` without NODE_OPTIONS runs with the bound (same pid, re-executed with the flags)',
    async () => {
      const child = spawn(process.execPath, [app('transformer')], {
        env: {
          PATH: process.env.PATH,
          QTP_ENV_FILE: '/dev/null',
          QTP_ENV: 'dev',
          LOG_FORMAT: 'json',
          REDIS_URL: inject('redisUrl'),
          QUEUE_PREFIX: uniqueName('heap'),
          METRICS_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      try {
        await waitForOutput(child, /"transformer started"/, 20_000);
        const args = cmdline(child.pid as number);
        expect(args.slice(1, 3)).toEqual(WORKER_NODE_OPTIONS.split(' '));
        expect(args.at(-1)).toBe(app('transformer'));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Harness } from './pipeline-harness.ts';

const CLI = resolve(import.meta.dirname, '../../packages/pipeline/src/requeue/requeue.cli.ts');

export type RequeueResult = { code: number | null; out: string; err: string };

/** Runs `pnpm requeue` against the harness's Redis; `output()` shows what it printed so far. */
export function startRequeue(h: Harness, args: string[]): { output: () => string; done: Promise<RequeueResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, QTP_ENV_FILE: '/dev/null', REDIS_URL: h.r.url, QUEUE_PREFIX: h.r.prefix, LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return { output: () => out, done: new Promise((res) => child.on('exit', (code) => res({ code, out, err }))) };
}

export const requeue = (h: Harness, args: string[]): Promise<RequeueResult> => startRequeue(h, args).done;

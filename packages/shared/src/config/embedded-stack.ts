import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from './load-config.ts';

/** Where `pnpm start` keeps its data by default (EMBEDDED_DATA_DIR): the repository's .data/demo. */
export const DEFAULT_EMBEDDED_DIR = resolve(import.meta.dirname, '../../../../.data/demo');
const FILE = 'stack.json';

/** What a running `pnpm start` tells the CLIs: where its Redis and ClickHouse listen. */
export type EmbeddedStack = { pid: number; REDIS_URL: string; CLICKHOUSE_URL: string; CLICKHOUSE_DATABASE: string; QUEUE_PREFIX: string };

export const embeddedStackFile = (dir: string = DEFAULT_EMBEDDED_DIR): string => join(dir, FILE);

/** Written by `pnpm start` once its servers are up; removed when it stops. */
export function writeEmbeddedStack(dir: string, stack: EmbeddedStack): string {
  const file = embeddedStackFile(dir);
  writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`);
  return file;
}

export function removeEmbeddedStack(dir: string): void {
  rmSync(embeddedStackFile(dir), { force: true });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The settings of a running `pnpm start` (its stack file in EMBEDDED_DATA_DIR, default .data/demo), for a CLI to
 * use when neither REDIS_URL/REDIS_SENTINELS nor CLICKHOUSE_URL is set anywhere (environment or .env file). Empty
 * when no start is running (no file, or its process is gone) or when any of them is set: settings are never mixed.
 */
export function embeddedStackDefaults(env: Env): Env {
  if (env.REDIS_URL || env.REDIS_SENTINELS || env.CLICKHOUSE_URL) return {};
  const file = embeddedStackFile(env.EMBEDDED_DATA_DIR || DEFAULT_EMBEDDED_DIR);
  if (!existsSync(file)) return {};
  try {
    const stack = JSON.parse(readFileSync(file, 'utf8')) as EmbeddedStack;
    if (!Number.isInteger(stack.pid) || !alive(stack.pid)) return {};
    return {
      REDIS_URL: stack.REDIS_URL,
      CLICKHOUSE_URL: stack.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: stack.CLICKHOUSE_DATABASE,
      QUEUE_PREFIX: stack.QUEUE_PREFIX,
      // The embedded stack is the dev demo: its passwordless ClickHouse login is expected.
      QTP_ENV: env.QTP_ENV || 'dev',
    };
  } catch {
    return {};
  }
}

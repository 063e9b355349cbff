import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { WORKER_NODE_OPTIONS } from '@qtp/shared';

export const APPS = ['scheduler', 'fetcher', 'transformer', 'writer'] as const;
const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Runs each app's main.ts as its own process (as in production), logs to `<logDir>/<app>.log`. `replicas` starts more
 * processes of an app (named `<app>-2`, `<app>-3`, …), as a deployment scales a worker out.
 */
export function spawnApps(
  env: NodeJS.ProcessEnv,
  logDir: string,
  onExit: (app: string, code: number | null) => void,
  replicas: Partial<Record<(typeof APPS)[number], number>> = {},
): Map<string, ChildProcess> {
  const children = new Map<string, ChildProcess>();
  const names = APPS.flatMap((app) => Array.from({ length: Math.max(1, replicas[app] ?? 1) }, (_, i) => ({ app, name: i === 0 ? app : `${app}-${i + 1}` })));
  for (const { app, name } of names) {
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'apps', app, 'src', 'main.ts')], {
      env: { NODE_OPTIONS: WORKER_NODE_OPTIONS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', (code) => onExit(name, code));
    children.set(name, child);
  }
  return children;
}

export async function stopApps(children: Map<string, ChildProcess>, graceMs = 20_000): Promise<void> {
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((res) => {
          if (child.exitCode !== null || child.signalCode !== null) return res();
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            res();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

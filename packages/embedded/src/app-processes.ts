import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { WORKER_NODE_OPTIONS } from '@qtp/shared';

export const APPS = ['scheduler', 'fetcher', 'transformer', 'writer'] as const;
const ROOT = resolve(import.meta.dirname, '../../..');

/** Runs each app's main.ts as its own process (as in production), logs to `<logDir>/<app>.log`. */
export function spawnApps(env: NodeJS.ProcessEnv, logDir: string, onExit: (app: string, code: number | null) => void): Map<string, ChildProcess> {
  const children = new Map<string, ChildProcess>();
  for (const app of APPS) {
    const log = createWriteStream(join(logDir, `${app}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'apps', app, 'src', 'main.ts')], {
      env: { NODE_OPTIONS: WORKER_NODE_OPTIONS, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', (code) => onExit(app, code));
    children.set(app, child);
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

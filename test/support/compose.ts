import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

/**
 * The compose files as Compose reads them, without an engine: YAML with merge keys, `${VAR}` interpolation
 * (`:-`, `-`, `:?`, `?`, `:+`, `+`, `$$`), then the override files merged over the first (mappings deep-merged,
 * ports/volumes appended, every other list replaced). Just what these files use; `docker-compose config` is the
 * real thing and CI runs it too when the binary is there.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
export const DEV_FILES = ['docker-compose.yml'];
export const PROD_FILES = ['docker-compose.yml', 'docker-compose.prod.yml'];

export type Service = {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  restart?: string;
  stop_grace_period?: string;
  mem_limit?: string;
  logging?: { driver: string; options?: Record<string, string> };
  profiles?: string[];
  ports?: string[];
  volumes?: string[];
  init?: boolean;
  [key: string]: unknown;
};
export type ComposeModel = { services: Record<string, Service>; volumes?: Record<string, unknown>; [key: string]: unknown };

export const readYaml = (file: string): ComposeModel => parse(readFileSync(join(ROOT, file), 'utf8'), { merge: true }) as ComposeModel;

export class InterpolationError extends Error {}

/** Interpolates every string value (keys are left alone, as Compose does). Errors name the variable and its message. */
export function interpolate<T>(value: T, env: Record<string, string | undefined>, errors: string[] = []): T {
  if (typeof value === 'string') {
    return value.replace(/\$(\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, whole: string, braced?: string, bare?: string) => {
      if (whole === '$') return '$';
      if (bare) return env[bare] ?? '';
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(braced ?? '');
      if (!m) {
        errors.push(`invalid interpolation \${${braced}}`);
        return '';
      }
      const [, name = '', op, arg = ''] = m;
      const v = env[name];
      const unset = v === undefined;
      const empty = unset || v === '';
      switch (op) {
        case ':-':
          return empty ? arg : (v as string);
        case '-':
          return unset ? arg : (v as string);
        case ':?':
        case '?':
          if (op === ':?' ? empty : unset) {
            errors.push(`${name}: ${arg}`);
            return '';
          }
          return v as string;
        case ':+':
          return empty ? '' : arg;
        case '+':
          return unset ? '' : arg;
        default:
          return v ?? '';
      }
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env, errors)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, errors)])) as T;
  }
  return value;
}

const APPENDED = new Set(['ports', 'volumes', 'expose', 'dns', 'extra_hosts']);

function merge(base: unknown, over: unknown, key = ''): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return APPENDED.has(key) ? [...new Set([...base, ...over])] : over;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k], v, k) : v;
    return out;
  }
  return over;
}

/** The configuration of `docker compose -f a -f b ...` for this environment; throws when a required variable is missing. */
export function loadCompose(files: string[], env: Record<string, string | undefined>): ComposeModel {
  const errors: string[] = [];
  const model = files.map((f) => interpolate(readYaml(f), env, errors)).reduce((a, b) => merge(a, b) as ComposeModel);
  if (errors.length > 0) throw new InterpolationError(`required variables missing:\n  ${errors.join('\n  ')}`);
  for (const key of Object.keys(model)) if (key.startsWith('x-')) delete model[key];
  return model;
}

/** Environment values as a process sees them (strings; null means unset). */
export function serviceEnv(service: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.environment ?? {})) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

/** A validator for the Compose Specification JSON schema as shipped by the maintained `dclint` package. */
export function composeSchemaValidator(): (doc: unknown) => string[] {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema; // draft-07 under an https URL that Ajv does not know by that name
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}

/** `docker compose` (v2) or `docker-compose` (v1, Debian's package) when installed; a daemon is not needed for `config`. */
export function composeCommand(spawn: (cmd: string, args: string[]) => { status: number | null }): string[] | undefined {
  if (spawn('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawn('docker-compose', ['version']).status === 0) return ['docker-compose'];
  return undefined;
}

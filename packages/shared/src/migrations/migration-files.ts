import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type MigrationFile = {
  version: number;
  name: string;
  file: string;
  /** The file as written (templates not rendered); the checksum is over these bytes. */
  sql: string;
  checksum: string;
  /** `-- requires: access-management` marks DDL for roles and grants (needs SQL-driven access control). */
  requiresAccessManagement: boolean;
};

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const m = FILE.exec(file);
    if (!m) throw new Error(`migration file ${file} must be named NNNN_snake_case.sql`);
    const version = Number(m[1]);
    const other = seen.get(version);
    if (other) throw new Error(`migrations ${other} and ${file} share version ${version}`);
    seen.set(version, file);
    const sql = readFileSync(join(dir, file), 'utf8');
    assertAdditive(file, sql);
    return {
      version,
      name: m[2] as string,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      requiresAccessManagement: /^--\s*requires:\s*access-management\s*$/m.test(sql),
    };
  });
}

const DESTRUCTIVE = [
  /\bDROP\s+(TABLE|DATABASE|DICTIONARY|COLUMN)\b/i,
  /\bTRUNCATE\b/i,
  /\bDETACH\b/i,
  /\bDROP\s+PARTITION\b/i,
  /\bALTER\s+TABLE\s+[\w.`{}]+\s+(ON\s+CLUSTER\s+\S+\s+)?DELETE\b/i,
  /\bDELETE\s+FROM\b/i,
];

/** Schema changes are additive: a migration never drops or empties a table that may hold loaded data. */
export function assertAdditive(file: string, sql: string): void {
  const code = stripComments(sql);
  for (const rule of DESTRUCTIVE) {
    const m = rule.exec(code);
    if (m) throw new Error(`migration ${file} contains "${m[0]}": migrations must be additive (ADD COLUMN, new tables, CREATE OR REPLACE VIEW)`);
  }
}

function stripComments(sql: string): string {
  return sql.replace(/--.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

/** Splits a file into statements at `;` ending a line (statements themselves never end a line with `;`). */
export function splitStatements(sql: string): string[] {
  return stripComments(sql)
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export type RenderOptions = { database: string; cluster?: string | undefined };

/**
 * Renders the templates of a migration:
 *  - `{{database}}`  the configured database;
 *  - `{{on_cluster}}` `ON CLUSTER '<cluster>'` in cluster mode, nothing otherwise;
 *  - `{{engine Name(args)}}` `Name(args)` on a single server, `ReplicatedName('/clickhouse/tables/{shard}/{database}/{table}',
 *    '{replica}', args)` in cluster mode (the single-brace macros are ClickHouse's own, expanded by the server).
 */
export function renderSql(sql: string, options: RenderOptions): string {
  const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (!ident.test(options.database)) throw new Error(`database name "${options.database}" is not a plain identifier`);
  if (options.cluster !== undefined && !ident.test(options.cluster)) throw new Error(`cluster name "${options.cluster}" is not a plain identifier`);
  const out = sql
    .replaceAll('{{database}}', options.database)
    .replaceAll('{{on_cluster}}', options.cluster ? `ON CLUSTER '${options.cluster}'` : '')
    .replace(/\{\{engine\s+(\w*MergeTree)\((.*?)\)\}\}/g, (_m, name: string, args: string) => {
      if (!options.cluster) return `${name}(${args})`;
      const replicaArgs = [`'/clickhouse/tables/{shard}/{database}/{table}'`, `'{replica}'`];
      if (args.trim()) replicaArgs.push(args.trim());
      return `Replicated${name}(${replicaArgs.join(', ')})`;
    });
  const left = /\{\{[^}]*\}\}/.exec(out);
  if (left) throw new Error(`unknown template ${left[0]}`);
  return out;
}

import { WRITABLE_TABLES } from '@qtp/pipeline';
import { type ClickHouseClient, createLogger, readMigrations, renderSql, splitStatements } from '@qtp/shared';
import { MIGRATIONS_DIR, type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUsers } from '../packages/shared/src/migrations/users.ts';

/**
 * Roles and grants cannot run on the embedded ClickHouse (no SQL access control), so the server that first runs
 * them is a real deployment. Here every such statement is at least parsed by ClickHouse itself (formatQuery), in
 * single-server and cluster form, and the grants are checked against the tables the migrations create.
 */

const DB = 'qtickets';
const files = readMigrations(MIGRATIONS_DIR);
const accessFiles = files.filter((f) => f.requiresAccessManagement);
const statements = (cluster?: string) =>
  accessFiles.flatMap((f) => splitStatements(renderSql(f.sql, { database: DB, cluster })).map((sql) => ({ file: f.file, sql })));

type Grant = { privileges: string[]; object: string; role: string };
const grants: Grant[] = statements().flatMap(({ sql }) => {
  const m = /^GRANT\s+(?:ON CLUSTER \S+\s+)?(.+?)\s+ON\s+(\S+)\s+TO\s+(\w+)$/is.exec(sql.replace(/\s+/g, ' '));
  if (!m) return [];
  return [{ privileges: (m[1] as string).split(',').map((p) => p.trim().toUpperCase()), object: m[2] as string, role: m[3] as string }];
});

/** Whether `role` holds `privilege` on DB.table through a grant (exact name, `prefix*` wildcard, or `db.*`). */
function granted(role: string, privilege: string, table: string): boolean {
  return grants.some((g) => {
    if (g.role !== role || !(g.privileges.includes(privilege) || g.privileges.includes('ALL'))) return false;
    const [db, name = ''] = g.object.split('.');
    if (db !== DB) return false;
    return name === '*' || name === table || (name.endsWith('*') && table.startsWith(name.slice(0, -1)));
  });
}

let ch: TestClickHouse;
beforeAll(async () => {
  ch = await testWarehouse('roles');
});
afterAll(async () => ch?.close());

async function parses(sql: string): Promise<string> {
  const rs = await ch.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: sql }, format: 'JSONEachRow' });
  return ((await rs.json<{ f: string }>())[0] as { f: string }).f;
}

describe('access-management migrations, parsed by ClickHouse', () => {
  it('exist and are marked', () => {
    expect(accessFiles.map((f) => f.file)).toEqual([
      '0004_roles.sql',
      '0013_roles_dimension_grants.sql',
      '0036_schema_migrations_grant.sql',
      '0041_raw_landing_grants.sql',
    ]);
  });

  it.each([
    ['single server', undefined],
    ['cluster', 'qtp_cluster'],
  ])('every statement parses (%s)', async (_mode, cluster) => {
    const list = statements(cluster);
    expect(list.length).toBeGreaterThan(0);
    for (const { file, sql } of list) {
      await expect(parses(sql), `${file}: ${sql}`).resolves.toMatch(/^(CREATE ROLE|GRANT)/);
      if (cluster) expect(sql).toContain(`ON CLUSTER '${cluster}'`);
    }
  });

  it('a typo does not parse (the check bites)', async () => {
    await expect(parses('GRANT SELEKT ON qtickets.stg_* TO etl_writer')).rejects.toThrow(/Syntax error/);
  });

  it('the login users statements of `migrate users` parse too', async () => {
    const sent: string[] = [];
    const admin = { command: async ({ query }: { query: string }) => void sent.push(query) } as unknown as ClickHouseClient;
    const cfg = {
      CLICKHOUSE_ETL_WRITER_USER: 'qtp_etl',
      CLICKHOUSE_ETL_WRITER_PASSWORD: "a pass'word\\with quotes",
      CLICKHOUSE_DATALENS_USER: 'datalens',
      CLICKHOUSE_DATALENS_PASSWORD: 'another-password',
    };
    await ensureUsers(admin, cfg, createLogger({ name: 'users', level: 'silent' }));
    expect(sent).toHaveLength(8);
    for (const sql of sent) await expect(parses(sql), sql.replace(/BY '.*'/, "BY '…'")).resolves.toMatch(/^(CREATE|ALTER) USER|^GRANT/);
  });
});

describe('grants cover what the apps touch, and no more', () => {
  let tables: Array<{ name: string; engine: string }>;
  beforeAll(async () => {
    const rs = await ch.client.query({
      query: 'SELECT name, engine FROM system.tables WHERE database = {db:String} ORDER BY name',
      query_params: { db: ch.database },
      format: 'JSONEachRow',
    });
    tables = await rs.json();
  });

  it('etl_writer: SELECT and INSERT on every table the migrations create, bookkeeping aside', () => {
    const data = tables.filter((t) => !t.engine.includes('View') && !t.name.startsWith('schema_migrations'));
    expect(data.length).toBeGreaterThan(4);
    for (const t of data) for (const p of ['SELECT', 'INSERT']) expect(granted('etl_writer', p, t.name), `${p} ON ${t.name}`).toBe(true);
  });

  it('etl_writer: every table the writer and the scheduler use exists and is covered, future dim_* tables too', () => {
    const names = new Set(tables.map((t) => t.name));
    for (const t of [...WRITABLE_TABLES, 'etl_state', 'meta_job_runs']) {
      expect(names.has(t), t).toBe(true);
      expect(granted('etl_writer', 'INSERT', t) && granted('etl_writer', 'SELECT', t), t).toBe(true);
    }
    for (const t of ['stg_qtickets_api_new_stream', 'dim_customers', 'raw_qtickets_new_stream']) expect(granted('etl_writer', 'INSERT', t), t).toBe(true);
  });

  it('etl_writer cannot touch the migrations bookkeeping or read the views', () => {
    for (const t of ['schema_migrations', 'schema_migrations_lock']) expect(granted('etl_writer', 'INSERT', t), t).toBe(false);
    // It reads schema_migrations (the apps' schema check at start), never the lock.
    expect(granted('etl_writer', 'SELECT', 'schema_migrations')).toBe(true);
    expect(granted('etl_writer', 'SELECT', 'schema_migrations_lock')).toBe(false);
    expect(grants.filter((g) => g.role === 'etl_writer').some((g) => g.object.endsWith('.*'))).toBe(false);
  });

  it('datalens_reader: SELECT on every v_* and fact_* view, nothing else', () => {
    const views = tables.filter((t) => t.name.startsWith('v_') || t.name.startsWith('fact_'));
    expect(views.length).toBeGreaterThan(2);
    for (const v of views) expect(granted('datalens_reader', 'SELECT', v.name), v.name).toBe(true);
    for (const g of grants.filter((g) => g.role === 'datalens_reader')) {
      expect(g.privileges).toEqual(['SELECT']);
      expect(g.object.startsWith(`${DB}.v_`) || g.object.startsWith(`${DB}.fact_`), g.object).toBe(true);
    }
  });

  it('every view runs with its definer rights, so reading a v_* view needs no grant on what it reads', () => {
    const views = files.flatMap((f) => splitStatements(renderSql(f.sql, { database: DB })).filter((s) => /^CREATE\s+(OR REPLACE\s+)?VIEW/i.test(s)));
    expect(views.length).toBeGreaterThan(3);
    for (const v of views) expect(v, v.split('\n')[0]).toMatch(/\bSQL SECURITY DEFINER\b/);
  });
});

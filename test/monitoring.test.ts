import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, METRIC_NAMES, METRICS_PORTS, PipelineMetrics, WEBHOOK_OUTCOMES, WebhookMetrics } from '@qtp/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeCommand, DEV_FILES, loadCompose, PROD_FILES, ROOT, type Service, serviceEnv } from './support/compose.ts';

/**
 * ops/: the monitoring profile's Prometheus (scrape config, alert rules and their unit tests) and Grafana (datasource,
 * dashboard), checked against the compose files and against the metrics the apps export. promtool comes with Debian's
 * `prometheus` package (.ci/run installs it); without it the promtool checks are skipped with a warning.
 */

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const yaml = <T>(file: string) => parse(read(file)) as T;
const run = (cmd: string, args: string[], input?: string) =>
  spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, ...(input === undefined ? {} : { input }) });
const promtool = run('promtool', ['--version']).status === 0;
if (!promtool) console.warn('monitoring: no promtool (apt-get install prometheus): the promtool checks are skipped');

type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> };
const RULES = yaml<{ groups: Array<{ name: string; rules: Rule[] }> }>('ops/prometheus/alerts.yml').groups.flatMap((g) => g.rules);
const ALERTS = RULES.filter((r) => r.alert);
const RECORDED = RULES.flatMap((r) => r.record ?? []);

type Panel = { type: string; title: string; targets?: Array<{ expr: string }>; datasource?: { uid: string }; panels?: Panel[] };
const DASHBOARD = JSON.parse(read('ops/grafana/dashboards/qtickets-pipeline.json')) as { uid: string; panels: Panel[] };
const PANELS = DASHBOARD.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

/** Every metric (or recording rule) a PromQL expression reads: what is left once labels, ranges, functions go. */
function metricsOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*/g)]
    .filter((m) => !/^\s*\(/.test(stripped.slice((m.index ?? 0) + m[0].length)))
    .map((m) => m[0]);
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  return [...new Set(names.filter((n) => !keywords.has(n.toLowerCase())))];
}

/** What the apps export: a real registry's metric names (defaults included), their histogram series, and `up`. */
async function exportedMetrics(): Promise<Set<string>> {
  const m = new PipelineMetrics({ service: 'test', log: createLogger({ name: 'test', level: 'silent' }) });
  new WebhookMetrics(m.registry); // the receiver's and the writer's webhook metrics, as those apps register them
  const metrics = await m.registry.getMetricsAsJSON();
  await m.close();
  const out = new Set<string>(['up']);
  const histograms: string[] = [];
  for (const x of metrics) {
    out.add(x.name);
    if (String(x.type) === 'histogram') histograms.push(x.name);
  }
  for (const h of histograms) for (const suffix of ['_bucket', '_sum', '_count']) out.add(h + suffix);
  return out;
}

describe('Prometheus alert rules (ops/prometheus/alerts.yml)', () => {
  it.skipIf(!promtool)('pass promtool check rules', () => {
    const res = run('promtool', ['check', 'rules', 'ops/prometheus/alerts.yml']);
    expect(res.stdout + res.stderr).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  it.skipIf(!promtool)('pass their unit tests (promtool test rules ops/prometheus/alerts.test.yml)', () => {
    const res = run('promtool', ['test', 'rules', 'ops/prometheus/alerts.test.yml']);
    expect(res.stdout + res.stderr, res.stdout + res.stderr).toMatch(/SUCCESS/);
    expect(res.status).toBe(0);
  });

  it('cover what issue 14 asks for, each with a unit test that fires it and one that holds it back', () => {
    expect(ALERTS.map((a) => a.alert).sort()).toEqual(
      [
        'QtpApiErrorRatio',
        'QtpApiRateLimited',
        'QtpBacklogGrowing',
        'QtpFailedJobsRising',
        'QtpInsertFailures',
        'QtpProcessAbsent',
        'QtpProcessDown',
        'QtpQueueWithoutWorkers',
        'QtpStreamNeverSucceeded',
        'QtpStreamStale',
        'QtpWebhookSignatureFailures',
      ].sort(),
    );
    type Case = { alertname: string; exp_alerts: unknown[] };
    const tests = yaml<{ rule_files: string[]; tests: Array<{ alert_rule_test?: Case[] }> }>('ops/prometheus/alerts.test.yml');
    expect(tests.rule_files).toEqual(['alerts.yml']);
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of ALERTS) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${a.alert} fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${a.alert} is held back in a test`,
      ).toBe(true);
      expect(['warning', 'critical']).toContain(a.labels?.severity);
    }
  });

  it('read only metrics the apps export (or recording rules of the same file)', async () => {
    const exported = await exportedMetrics();
    for (const r of RULES) {
      const unknown = metricsOf(r.expr).filter((n) => !exported.has(n) && !RECORDED.includes(n));
      expect(unknown, `${r.alert ?? r.record}: ${r.expr}`).toEqual([]);
    }
    // The webhook outcomes the rules and the dashboard name are the ones the webhooks app reports.
    for (const o of [...read('ops/prometheus/alerts.yml').matchAll(/outcome="([^"]+)"/g)].map((m) => m[1])) expect(WEBHOOK_OUTCOMES).toContain(o);
  });

  it('the never-succeeded rule mirrors status: its series exist before any success (first due, last success 0)', () => {
    const rule = ALERTS.find((a) => a.alert === 'QtpStreamNeverSucceeded');
    expect(metricsOf(rule?.expr ?? '').sort()).toEqual([METRIC_NAMES.streamFirstDue, METRIC_NAMES.streamLastSuccess, METRIC_NAMES.streamStaleAfter].sort());
  });
});

describe('Prometheus scrape config (ops/prometheus/prometheus.yml)', () => {
  type Job = { job_name: string; dns_sd_configs?: Array<{ names: string[]; type: string; port: number }> };
  const config = yaml<{ rule_files: string[]; scrape_configs: Job[] }>('ops/prometheus/prometheus.yml');

  it.skipIf(!promtool)('passes promtool check config (with its rule file)', () => {
    const res = run('promtool', ['check', 'config', 'ops/prometheus/prometheus.yml']);
    expect(res.stdout + res.stderr).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  it.each([
    ['dev', DEV_FILES, {}],
    ['prod', PROD_FILES, { CLICKHOUSE_ADMIN_PASSWORD: 'x', CLICKHOUSE_ETL_WRITER_PASSWORD: 'x', CLICKHOUSE_DATALENS_PASSWORD: 'x' }],
  ] as Array<[string, string[], Record<string, string>]>)('%s: names every app with an ops server, every replica, on its METRICS_PORT', (_n, files, env) => {
    const model = loadCompose(files, {
      QTICKETS_BASE_URL: 'x',
      QTICKETS_TOKEN: 'x',
      PII_HASH_SALT: 'x',
      DASHBOARD_PASSWORD_HASH: 'x',
      WEBHOOK_SECRET: 'x',
      GRAFANA_ADMIN_PASSWORD: 'x',
      ...env,
    });
    const apps = Object.entries(model.services).filter(([, s]) => serviceEnv(s).METRICS_PORT !== undefined);
    expect(apps.map(([n]) => n).sort()).toEqual(Object.keys(METRICS_PORTS).sort());
    for (const [name, s] of apps) {
      const job = config.scrape_configs.find((j) => j.job_name === name);
      expect(job?.dns_sd_configs, name).toEqual([expect.objectContaining({ names: [name], type: 'A', port: Number(serviceEnv(s).METRICS_PORT) })]);
      expect(serviceEnv(s).METRICS_HOST, name).toBe('0.0.0.0');
    }
    const prometheus = model.services.prometheus as Service;
    expect(prometheus.profiles).toEqual(['monitoring']);
    expect(prometheus.volumes).toContain('./ops/prometheus:/etc/prometheus:ro');
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(config.rule_files).toEqual(['alerts.yml']);
  });

  it('the process alerts name the same jobs', () => {
    const jobs = config.scrape_configs.map((j) => j.job_name).filter((j) => j !== 'prometheus');
    const down = ALERTS.find((a) => a.alert === 'QtpProcessDown')?.expr ?? '';
    expect(/job=~"([^"]+)"/.exec(down)?.[1]?.split('|').sort()).toEqual([...jobs].sort());
    const absent = ALERTS.find((a) => a.alert === 'QtpProcessAbsent')?.expr ?? '';
    expect([...absent.matchAll(/absent\(up\{job="([^"]+)"\}\)/g)].map((m) => m[1]).sort()).toEqual([...jobs].sort());
  });
});

describe('Grafana (ops/grafana): provisioned datasource and dashboard', () => {
  const model = loadCompose(DEV_FILES, {});
  const grafana = model.services.grafana as Service;

  it('the monitoring profile mounts the provisioning and the dashboards where the provider looks', () => {
    expect(grafana.profiles).toEqual(['monitoring']);
    expect(grafana.volumes).toContain('./ops/grafana/provisioning:/etc/grafana/provisioning:ro');
    const provider = yaml<{ providers: Array<{ options: { path: string } }> }>('ops/grafana/provisioning/dashboards/qtickets-pipeline.yml').providers[0];
    expect(grafana.volumes).toContain(`./ops/grafana/dashboards:${provider?.options.path}:ro`);
    const ds = yaml<{ datasources: Array<{ uid: string; url: string; type: string }> }>('ops/grafana/provisioning/datasources/prometheus.yml').datasources;
    expect(ds).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' })]);
    for (const p of PANELS) expect(p.datasource?.uid, p.title).toBe(ds[0]?.uid);
  });

  it("every panel's query names a metric the apps export", async () => {
    const exported = await exportedMetrics();
    for (const p of PANELS) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        const names = metricsOf(t.expr);
        expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        expect(
          names.filter((n) => !exported.has(n)),
          `${p.title}: ${t.expr}`,
        ).toEqual([]);
      }
    }
  });

  it('shows throughput per stage, backlog per queue and state, API status and latency, rows per table, lag vs threshold, memory per worker', () => {
    const queries = PANELS.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const has = (re: RegExp) =>
      expect(
        queries.some((q) => re.test(q)),
        String(re),
      ).toBe(true);
    has(/sum by \(queue\) \(rate\(qtp_jobs_completed_total/);
    has(/by \(queue, state\) \(qtp_queue_jobs/);
    has(/sum by \(status\) \(rate\(qtp_api_requests_total/);
    has(/histogram_quantile\(0\.95, sum by \(le, endpoint\) \(rate\(qtp_api_request_duration_seconds_bucket/);
    has(/sum by \(table\) \(rate\(qtp_rows_written_total/);
    has(/qtp_stream_lag_seconds\) \/ max by \(stream\) \(qtp_stream_stale_after_seconds/);
    has(/by \(service, instance\) \(process_resident_memory_bytes/);
  });
});

describe('/metrics as promtool sees it', () => {
  it.skipIf(!promtool)('promtool check metrics finds nothing to flag', async () => {
    const m = new PipelineMetrics({ service: 'test', log: createLogger({ name: 'test', level: 'silent' }) });
    m.apiRequest({ endpoint: '/orders', status: 200, durationMs: 12 });
    m.insert({ table: 'stg_qtickets_api_orders_raw', rows: 10, durationMs: 5, ok: true });
    m.insert({ table: 'stg_qtickets_api_orders_raw', rows: 10, durationMs: 5, ok: false });
    m.observeStreams(async () => [{ stream: 'orders', lastSuccessAt: new Date().toISOString(), staleAfterMs: 900_000, firstDueAt: new Date().toISOString() }]);
    const text = await m.metrics();
    await m.close();
    const res = run('promtool', ['check', 'metrics'], text);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('docker-compose config with the monitoring profile (when a compose binary is installed)', () => {
  const compose = composeCommand((cmd, args) => run(cmd, args));
  it.skipIf(!compose)('accepts the dev stack with --profile monitoring', () => {
    const [cmd = '', ...pre] = compose ?? [];
    const res = spawnSync(cmd, [...pre, '--profile', 'monitoring', '-f', 'docker-compose.yml', 'config', '--services'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeout: 60_000,
    });
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout.split('\n')).toEqual(expect.arrayContaining(['prometheus', 'grafana', 'scheduler', 'fetcher', 'transformer', 'writer', 'webhooks']));
  });
});

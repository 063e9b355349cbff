import { resolve } from 'node:path';
import { type RunInfo, RunsRepository } from '@qtp/pipeline';
import { runProcess, type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRuns, type JobRun, listRuns } from '../src/index.ts';

const CLI = resolve(import.meta.dirname, '../src/runs.cli.ts');

const runsCli = (args: string[], ch: TestClickHouse) =>
  runProcess(process.execPath, [CLI, ...args], {
    QTP_ENV_FILE: '/dev/null',
    QTP_ENV: 'dev',
    CLICKHOUSE_URL: ch.settings.CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: ch.database,
  });

const run = (runId: string, stream: string, startedAt: string, over: Partial<RunInfo> = {}): RunInfo => ({
  runId,
  stream,
  mode: 'incremental',
  startedAt,
  lock: stream,
  windowFrom: null,
  windowTo: null,
  planned: true,
  expected: 3,
  done: 0,
  total: 250,
  perPage: 100,
  fetched: 0,
  valid: 0,
  quarantined: 0,
  written: 0,
  maxId: 0,
  maxUpdatedAtMs: 0,
  filterIgnored: 0,
  finalized: false,
  cursor: null,
  ...over,
});

describe('run history (v_job_runs, pnpm runs)', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testWarehouse('runs');
    const runs = new RunsRepository(ch.client);
    // As the pipeline records them: a `running` row when planned, then its final row (same run id, newer _ver).
    const a = run('orders-a', 'orders', '2026-10-05T10:00:00.000Z');
    await runs.record(a, 'running');
    await runs.record({ ...a, done: 3, fetched: 250, valid: 250, written: 250, finalized: true }, 'ok', '', '2026-10-05T10:00:42.500Z');
    const b = run('events-b', 'events', '2026-10-05T10:01:00.000Z', { mode: 'reconcile' });
    await runs.record(b, 'running');
    await runs.record({ ...b, done: 1 }, 'failed', 'HTTP 503 from /api/rest/v1/events after 5 attempts', '2026-10-05T10:02:00.000Z');
    await runs.record(run('orders-c', 'orders', '2026-10-05T10:05:00.000Z', { done: 1 }), 'running');
  });
  afterAll(async () => ch?.close());

  it('lists every run once, newest first, with its last status, duration, rows, pages and reason', async () => {
    const runs = await listRuns(ch.client);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      ['orders-c', 'running'],
      ['events-b', 'failed'],
      ['orders-a', 'ok'],
    ]);
    const a = runs.find((r) => r.runId === 'orders-a') as JobRun;
    expect(a).toMatchObject({ stream: 'orders', mode: 'incremental', started: '2026-10-05T10:00:00Z', finished: '2026-10-05T10:00:42Z' });
    expect(a).toMatchObject({ durationSeconds: 42.5, rows: 250, pages: 3, requests: 3, reason: '' });
    expect(runs[0]).toMatchObject({ finished: null, durationSeconds: null });
  });

  it('filters by stream, by failure, and bounds the count', async () => {
    expect((await listRuns(ch.client, { streams: ['orders'] })).map((r) => r.runId)).toEqual(['orders-c', 'orders-a']);
    expect((await listRuns(ch.client, { failed: true })).map((r) => r.runId)).toEqual(['events-b']);
    expect((await listRuns(ch.client, { last: 1 })).map((r) => r.runId)).toEqual(['orders-c']);
  });

  it('the table shows one line per run; a run in flight has no duration', async () => {
    const lines = formatRuns(await listRuns(ch.client))
      .trimEnd()
      .split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^started\s+stream\s+mode\s+status\s+duration\s+rows\s+pages\s+requests\s+run\s+reason$/);
    expect(lines[1]).toMatch(/^2026-10-05T10:05:00Z\s+orders\s+incremental\s+running\s+-\s+0\s+1\s+1\s+orders-c$/);
    expect(lines[2]).toMatch(/failed\s+1m 0s\s+0\s+1\s+1\s+events-b\s+HTTP 503 from/);
    expect(formatRuns([])).toBe('no runs recorded\n');
  });

  it('pnpm runs: --json, --failed, a stream; bad arguments are one line, exit 2', async () => {
    const all = await runsCli(['--json'], ch);
    expect(all.err).toBe('');
    expect(all.code).toBe(0);
    expect((JSON.parse(all.out) as JobRun[]).map((r) => r.runId)).toEqual(['orders-c', 'events-b', 'orders-a']);
    const failed = await runsCli(['events', '--failed'], ch);
    expect(failed.code).toBe(0);
    expect(failed.out.trimEnd().split('\n')).toHaveLength(2);
    expect(failed.out).toContain('events-b');
    const bad = await runsCli(['--last', 'many'], ch);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('runs: --last: "many" is not a number from 1 to 100000 (usage: pnpm runs --help)\n');
    const unknown = await runsCli(['tickets'], ch);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toMatch(/^runs: unknown stream "tickets" \(streams: /);
  });
});

import type { ClickHouseClient } from '@qtp/shared';
import { table } from './format.ts';
import { formatDuration } from './status.ts';

/** One run as v_job_runs shows it (migrations/0035_v_job_runs.sql): its last recorded version. */
export type JobRun = {
  runId: string;
  stream: string;
  mode: string;
  started: string;
  finished: string | null;
  durationSeconds: number | null;
  status: string;
  rows: number;
  pages: number;
  requests: number;
  reason: string;
};

export type RunsQuery = { streams?: readonly string[]; last?: number; failed?: boolean };

/** Statuses that count as failures for `--failed`. */
export const FAILED_STATUSES = ['failed', 'abandoned'] as const;

const iso = (v: string | null) => (v ? `${v.replace(' ', 'T').replace(/\.\d{3}$/, '')}Z` : null);

/** The last runs (newest first) of the given streams (default all), only failed/abandoned ones with `failed`. */
export async function listRuns(clickhouse: ClickHouseClient, q: RunsQuery = {}): Promise<JobRun[]> {
  const where: string[] = [];
  if (q.streams?.length) where.push('stream IN {streams:Array(String)}');
  if (q.failed) where.push('status IN {failed:Array(String)}');
  const rs = await clickhouse.query({
    query: `SELECT run_id, stream, mode, toString(started) AS started, toString(finished) AS finished, toString(duration_s) AS duration_s,
              status, toString(rows) AS rows, toString(pages) AS pages, toString(requests) AS requests, reason
            FROM v_job_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
            ORDER BY started DESC, run_id DESC LIMIT {last:UInt32}`,
    query_params: { streams: q.streams ?? [], failed: [...FAILED_STATUSES], last: q.last ?? 20 },
    format: 'JSONEachRow',
  });
  type Row = Record<'run_id' | 'stream' | 'mode' | 'started' | 'status' | 'rows' | 'pages' | 'requests' | 'reason', string> & {
    finished: string | null;
    duration_s: string | null;
  };
  return (await rs.json<Row>()).map((r) => ({
    runId: r.run_id,
    stream: r.stream,
    mode: r.mode,
    started: iso(r.started) as string,
    finished: iso(r.finished),
    durationSeconds: r.duration_s === null ? null : Number(r.duration_s),
    status: r.status,
    rows: Number(r.rows),
    pages: Number(r.pages),
    requests: Number(r.requests),
    reason: r.reason,
  }));
}

/** The runs as a table, newest first; a run without a finish shows `-` for its duration. */
export function formatRuns(runs: readonly JobRun[]): string {
  if (runs.length === 0) return 'no runs recorded\n';
  return `${table(
    ['started', 'stream', 'mode', 'status', 'duration', 'rows', 'pages', 'requests', 'run', 'reason'],
    runs.map((r) => [
      r.started,
      r.stream,
      r.mode,
      r.status,
      r.durationSeconds === null ? '-' : formatDuration(r.durationSeconds),
      String(r.rows),
      String(r.pages),
      String(r.requests),
      r.runId,
      r.reason.length > 80 ? `${r.reason.slice(0, 79)}…` : r.reason,
    ]),
  )}\n`;
}

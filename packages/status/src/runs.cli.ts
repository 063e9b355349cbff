import { STREAMS } from '@qtp/pipeline';
import {
  checkSchema,
  clickhouseEnv,
  createClickHouse,
  embeddedStackDefaults,
  loadConfig,
  logEnv,
  parseCli,
  parseDuration,
  unknownNames,
  usageError,
  withTimeout,
} from '@qtp/shared';
import { z } from 'zod';
import { FAILED_STATUSES, formatRuns, listRuns } from './runs.ts';

const USAGE = `usage: pnpm runs [stream...] [--last N] [--failed] [--json] [--timeout 10s]
  the last runs (newest first) from v_job_runs, one line each: started, stream, mode, status, duration,
  rows written, pages, requests, run id, and why a run failed
  stream         only these streams (${STREAMS.join(', ')})
  --last N       how many runs (default 20)
  --failed       only runs that ${FAILED_STATUSES.join(' or ')}
  --json         the runs as JSON
  --timeout D    bound on the query (default 10s)
exit codes: 0 listed, 1 ClickHouse unreachable or its schema not ready, 2 bad arguments or settings`;

const args = parseCli('runs', USAGE, { last: { type: 'string' }, failed: { type: 'boolean' }, json: { type: 'boolean' }, timeout: { type: 'string' } });
const unknown = unknownNames('stream', args.positionals, STREAMS);
if (unknown) usageError('runs', USAGE, unknown);
let last = 20;
let timeoutMs = 10_000;
try {
  if (args.values.timeout !== undefined) timeoutMs = parseDuration(args.values.timeout, '--timeout');
} catch (err) {
  usageError('runs', USAGE, (err as Error).message);
}
if (args.values.last !== undefined) {
  last = Number(args.values.last);
  if (!/^\d+$/.test(args.values.last) || last < 1 || last > 100_000)
    usageError('runs', USAGE, `--last: "${args.values.last}" is not a number from 1 to 100000`);
}

const cfg = loadConfig(z.object({ ...logEnv, ...clickhouseEnv }), { fallback: embeddedStackDefaults });
const clickhouse = createClickHouse(cfg, { application: 'qtickets-pipeline-runs' });
const host = new URL(cfg.CLICKHOUSE_URL).host;
try {
  const schema = await withTimeout(checkSchema(clickhouse, cfg.CLICKHOUSE_DATABASE), timeoutMs, `ClickHouse at ${host}`);
  if (!schema.ok) throw new Error(schema.unreachable ? `ClickHouse at ${host} not reachable: ${schema.message}` : `ClickHouse at ${host}: ${schema.message}`);
  const runs = await withTimeout(
    listRuns(clickhouse, { streams: args.positionals, last, failed: args.values.failed ?? false }),
    timeoutMs,
    `ClickHouse at ${host}`,
  );
  process.stdout.write(args.values.json ? `${JSON.stringify(runs, null, 2)}\n` : formatRuns(runs));
} catch (err) {
  process.stderr.write(`runs: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await clickhouse.close();
}

import { parseArgs } from 'node:util';
import { closeRedis, createLogger, createQueue, createRedis, enqueue, loadConfig, logEnv, redisEnv } from '@qtp/shared';
import { z } from 'zod';
import { planRunJob } from '../jobs/plan-run.job.ts';
import { RunTracker } from '../state/run-tracker.ts';
import { STREAMS, type StreamName, streamByName } from '../streams/registry.ts';
import { parseWindow } from './requeue-window.ts';

const USAGE = `usage: pnpm requeue <${STREAMS.join('|')}> [--from DATE --to DATE] [--wait]
  orders --from 2026-10-01 --to 2026-10-07   re-read orders created on those Moscow days (both included); never moves the stream's state
  <stream>                                    a full reconciliation run now (checkins: every show in its window;
                                              partner_tickets: every show)
  --wait                                      wait for the run to finish and print what it loaded`;

function fail(message: string): never {
  process.stderr.write(`requeue: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args: ReturnType<typeof parseArgs<{ options: { from: { type: 'string' }; to: { type: 'string' }; wait: { type: 'boolean' } }; allowPositionals: true }>>;
try {
  args = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, wait: { type: 'boolean' } }, allowPositionals: true });
} catch (err) {
  fail((err as Error).message);
}
const stream = args.positionals[0] as StreamName | undefined;
if (!stream || !STREAMS.includes(stream) || args.positionals.length > 1) fail('name one stream');
if ((args.values.from === undefined) !== (args.values.to === undefined)) fail('give both --from and --to, or neither');
let window: { from: string; to: string } | undefined;
try {
  window = args.values.from && args.values.to ? parseWindow(args.values.from, args.values.to) : undefined;
} catch (err) {
  fail((err as Error).message);
}
if (window && !streamByName(stream).sync.modes.includes('backfill')) fail(`${stream} cannot be backfilled by date (only incremental streams can)`);

const cfg = loadConfig(z.object({ ...logEnv, ...redisEnv }));
const log = createLogger({ name: 'requeue', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-requeue');
const queue = createQueue(planRunJob, redis, cfg.QUEUE_PREFIX);
try {
  const jobId = await enqueue(queue, planRunJob, {
    stream,
    mode: window ? 'backfill' : 'reconcile',
    ...(window ? { window } : {}),
    requestId: `cli-${Date.now()}`,
  });
  process.stdout.write(`enqueued ${jobId}${window ? ` (orders created ${window.from} .. ${window.to})` : ''}\n`);
  if (args.values.wait) process.exitCode = await waitForRun(jobId);
} finally {
  await queue.close();
  await closeRedis(redis);
}

/** Follows the plan job to its run, then the run to its end (the scheduler process must be running). */
async function waitForRun(jobId: string): Promise<number> {
  const tracker = new RunTracker(redis, cfg.QUEUE_PREFIX);
  let runId: string | undefined;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    if (!runId) {
      const job = await queue.getJob(jobId);
      const out = job?.returnvalue as { status?: string; reason?: string; detail?: { runId?: string } } | undefined;
      if (job?.failedReason) return report(`plan failed: ${job.failedReason}`, 1);
      if (out?.status === 'skipped') return report(`not started: ${out.reason}`, 1);
      runId = out?.detail?.runId;
      continue;
    }
    const info = await tracker.info(runId);
    const failed = await redis.hget(`${cfg.QUEUE_PREFIX}:run:${runId}`, 'failed');
    if (failed) return report(`run ${runId} failed: ${failed}`, 1);
    if (info?.finalized && (await tracker.lockHolder(info.lock)) !== runId) {
      log.debug({ info }, 'run finished');
      return report(
        `run ${runId} done: ${info.done} pages, ${info.fetched} records, ${info.valid} valid, ${info.quarantined} quarantined, ${info.written} rows written`,
        0,
      );
    }
  }
}

function report(line: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  return code;
}

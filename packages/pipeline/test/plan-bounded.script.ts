/**
 * One side of a run's planning in a process of its own, with the workers' heap bound (see per-parent-scale.test.ts):
 *   node --max-old-space-size=112 plan-bounded.script.ts plan <stream>:<mode>...   the scheduler's plan jobs
 *   node --max-old-space-size=112 plan-bounded.script.ts discover <runId>...      the fetcher's discover jobs
 * Settings come as JSON in QTP_SCALE (redis URL and prefix, ClickHouse settings, scheduler config, now). Prints one
 * JSON line: the runs (or the discover jobs' sizes), and the process's peak RSS.
 */
import { closeRedis, createClickHouse, createLogger, createQueue, createRedis } from '@qtp/shared';
import { handleDiscover } from '../src/handlers/discover.handler.ts';
import { handlePlanRun } from '../src/handlers/plan-run.handler.ts';
import { type DiscoverPayload, fetchJob } from '../src/jobs/fetch.job.ts';
import { RunStages } from '../src/state/run-stages.ts';
import { RunTracker } from '../src/state/run-tracker.ts';
import { RunsRepository } from '../src/state/runs.repository.ts';
import { StateRepository } from '../src/state/state.repository.ts';
import type { StreamName } from '../src/streams/registry.ts';

const env = JSON.parse(process.env.QTP_SCALE ?? '{}') as {
  redisUrl: string;
  prefix: string;
  clickhouse: Parameters<typeof createClickHouse>[0];
  config: Record<string, unknown>;
  nowMs: number;
};
const [role, ...args] = process.argv.slice(2);
const log = createLogger({ name: 'scale', level: 'silent' });
const redis = createRedis(env.redisUrl, 'scale');
const ch = createClickHouse(env.clickhouse);
const fetchQueue = createQueue(fetchJob, redis, env.prefix);
const tracker = new RunTracker(redis, env.prefix);
const stages = new RunStages(redis, env.prefix);
const out: Record<string, unknown> = {};
try {
  if (role === 'plan') {
    const deps = {
      state: new StateRepository(ch),
      tracker,
      stages,
      runs: new RunsRepository(ch),
      clickhouse: ch,
      fetchQueue,
      config: env.config,
      runTimeoutMs: 600_000,
      now: () => new Date(env.nowMs),
    };
    for (const arg of args) {
      const [stream, mode] = arg.split(':');
      const planned = await handlePlanRun({ stream: stream as StreamName, mode: mode as 'reconcile' }, deps, log);
      if (planned.status !== 'ok') throw new Error(`plan skipped: ${planned.reason}`);
      out[stream as string] = planned.detail?.runId;
    }
  } else {
    for (const runId of args) {
      const job = await fetchQueue.getJob(`${runId}|discover`);
      if (!job) throw new Error(`no discover job for ${runId}`);
      out[runId] = Buffer.byteLength(JSON.stringify(job.data));
      await handleDiscover(
        job.data as DiscoverPayload,
        { api: {} as never, verifyFilter: (() => ({ honoured: true })) as never, tracker, stages, fetchQueue },
        log,
      );
      await job.remove();
    }
  }
  out.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await fetchQueue.close();
  await ch.close();
  await closeRedis(redis);
}

import { formatMs, type Logger, type RedisConnection, withTimeout } from '@qtp/shared';
import { Queue } from 'bullmq';
import { QUEUES } from '../jobs/queues.ts';
import { type RunInfo, RunTracker } from '../state/run-tracker.ts';

/** A queue the run needs with no live worker for this long ends the wait (rather than waiting for the timeout). */
const NO_WORKER_GRACE_MS = 15_000;
const POLL_MS = 500;

export type FollowOptions = {
  /** The command's name, the first word of each error line. */
  command: string;
  /** The stream, named in the line that says whom a waiting request waits for. */
  stream?: string;
  redis: RedisConnection;
  prefix: string;
  planQueue: Queue;
  /** The queues a started run goes through (a replay: replay, transform, write; a fetch run: fetch, transform, write). */
  runQueues: readonly string[];
  deadline: number;
  timeoutMs: number;
  log: Logger;
  /** Called at most every few seconds while the run goes on (progress lines). */
  progress?: (info: RunInfo) => void;
};

/** Follows the plan job to its run, then the run to its end, within the time budget. Returns the exit code. */
export async function followRun(jobId: string, o: FollowOptions): Promise<number> {
  const watch = workerWatch(o);
  try {
    return await follow(jobId, o, watch);
  } finally {
    await withTimeout(watch.close(), 2_000, 'closing').catch(() => {});
  }
}

async function follow(jobId: string, o: FollowOptions, watch: ReturnType<typeof workerWatch>): Promise<number> {
  const bounded = <T>(p: Promise<T>, what: string): Promise<T> => withTimeout(p, Math.max(1, o.deadline - Date.now()), what);
  const tracker = new RunTracker(o.redis, o.prefix);
  let runId: string | undefined;
  let lastProgress = 0;
  let waitingFor: string | undefined;
  for (;;) {
    if (Date.now() >= o.deadline) {
      const missing = await withTimeout(watch.missing(runId ? o.runQueues : [QUEUES.plan]), 2_000, 'workers').catch(() => []);
      const why = missing.length ? `; ${describeMissing(missing)}` : '';
      return report(
        runId
          ? `${o.command}: run ${runId} not finished after ${formatMs(o.timeoutMs)} (--timeout)${why}; it goes on without this command`
          : `${o.command}: plan job ${jobId} not started after ${formatMs(o.timeoutMs)} (--timeout)${why}; it stays queued`,
        1,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, o.deadline - Date.now()))));
    if (!runId) {
      const job = await bounded(o.planQueue.getJob(jobId), 'reading the plan job').catch(() => undefined);
      const out = job?.returnvalue as { status?: string; reason?: string; detail?: { runId?: string } } | undefined;
      if (job?.failedReason) return report(`${o.command}: plan failed: ${job.failedReason}`, 1);
      if (out?.status === 'skipped') return report(`${o.command}: not started: ${out.reason}`, 1);
      runId = out?.detail?.runId;
      // A re-queue that waits for the stream's lock: the plan job says whom it waits for in its progress.
      const holder = (job?.progress as { waitingFor?: string } | undefined)?.waitingFor;
      if (!runId && holder && holder !== waitingFor) {
        waitingFor = holder;
        process.stdout.write(`run ${holder}${o.stream ? ` of ${o.stream}` : ''} is in progress: this one starts once it ends\n`);
      }
      if (!runId) {
        const stuck = await watch.stuck([QUEUES.plan]);
        if (stuck) return report(`${o.command}: plan job ${jobId} not started: ${describeMissing(stuck)}; it stays queued`, 1);
      }
      continue;
    }
    const info = await bounded(tracker.info(runId), 'reading the run').catch(() => null);
    const failed = await bounded(o.redis.hget(`${o.prefix}:run:${runId}`, 'failed'), 'reading the run').catch(() => null);
    if (failed) return report(`${o.command}: run ${runId} failed: ${failed}`, 1);
    if (info?.finalized && (await bounded(tracker.lockHolder(info.lock), 'reading the run lock').catch(() => runId)) !== runId) {
      o.log.debug({ info }, 'run finished');
      return report(
        `run ${runId} done: ${info.done} ${info.mode === 'replay' ? 'slices' : 'pages'}, ${info.fetched} records, ${info.valid} valid, ${info.quarantined} quarantined, ${info.written} rows written`,
        0,
      );
    }
    if (info && o.progress && Date.now() - lastProgress >= 2_000) {
      lastProgress = Date.now();
      o.progress(info);
    }
    const stuck = await watch.stuck(o.runQueues);
    if (stuck) return report(`${o.command}: run ${runId} cannot advance: ${describeMissing(stuck)}; it goes on when one starts`, 1);
  }
}

/** Which of the queues a run needs have had no live worker for NO_WORKER_GRACE_MS (checked every few seconds). */
function workerWatch(o: FollowOptions) {
  const bounded = <T>(p: Promise<T>, what: string): Promise<T> => withTimeout(p, Math.max(1, o.deadline - Date.now()), what);
  const queues = new Map<string, Queue>(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: o.redis, prefix: o.prefix })]));
  for (const q of queues.values()) q.on('error', () => {});
  const since = new Map<string, number>();
  let lastCheck = 0;
  const missing = async (names: readonly string[]) => {
    const counts = await Promise.all(names.map((n) => (queues.get(n) as Queue).getWorkersCount()));
    return names.filter((_, i) => counts[i] === 0);
  };
  return {
    missing,
    /** The queues (of `names`) without a worker for the whole grace period, or undefined. */
    stuck: async (names: readonly string[]): Promise<string[] | undefined> => {
      if (Date.now() - lastCheck < 2_500) return undefined;
      lastCheck = Date.now();
      const now = Date.now();
      const none: string[] = await bounded(missing(names), 'counting workers').catch(() => []);
      for (const n of names) {
        if (!none.includes(n)) since.delete(n);
        else if (!since.has(n)) since.set(n, now);
      }
      const stuck = names.filter((n) => now - (since.get(n) ?? now) >= NO_WORKER_GRACE_MS);
      return stuck.length ? stuck : undefined;
    },
    close: () => Promise.all([...queues.values()].map((q) => q.close())),
  };
}

function describeMissing(queues: string[]): string {
  const stage: Record<string, string> = { plan: 'scheduler', fetch: 'fetcher', transform: 'transformer', write: 'writer', replay: 'scheduler' };
  return `no live worker on the ${queues.join(', ')} queue${queues.length > 1 ? 's' : ''} (is the ${[...new Set(queues.map((q) => stage[q] ?? q))].join(', ')} running?)`;
}

export function report(line: string, code: number): number {
  (code === 0 ? process.stdout : process.stderr).write(`${line}\n`);
  return code;
}

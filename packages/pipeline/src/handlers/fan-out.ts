import { type ClickHouseClient, enqueueMany, type Logger } from '@qtp/shared';
import type { JobsOptions, Queue } from 'bullmq';
import { fetchJob, type ItemPayload, unitSource } from '../jobs/fetch.job.ts';
import type { RunStages } from '../state/run-stages.ts';
import type { RunTracker } from '../state/run-tracker.ts';
import { streamByName } from '../streams/registry.ts';
import type { PlannedItem, RunMode } from '../streams/stream.ts';

export type FanOutDeps = { tracker: RunTracker; stages: RunStages; fetchQueue: Queue };

export const itemPayloads = (runId: string, stream: string, items: readonly PlannedItem[]): ItemPayload[] =>
  items.map((u) => ({ kind: 'item', runId, stream: stream as ItemPayload['stream'], key: u.key, parent: u.parent }));

/**
 * Fans a sealed stage out a slice at a time (only one slice in memory): first registers every unit with the run
 * (so that it can never look complete before it is), then `registered` (e.g. marks the run planned), then enqueues.
 * Every step is idempotent: a worker killed half-way leaves its job to redo all of it.
 */
export async function fanOutStage(
  deps: FanOutDeps,
  runId: string,
  name: string,
  opts: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'>,
  registered?: (units: number) => Promise<void>,
): Promise<number> {
  let n = 0;
  for await (const slice of deps.stages.read(runId, name)) {
    await deps.tracker.register(runId, (slice as ItemPayload[]).map(unitSource));
    n += slice.length;
  }
  await registered?.(n);
  for await (const slice of deps.stages.read(runId, name)) await enqueueMany(deps.fetchQueue, fetchJob, slice as ItemPayload[], opts);
  return n;
}

export type FollowUpDeps = FanOutDeps & { clickhouse: ClickHouseClient };

/**
 * Writer side: a unit of the run is wholly written and its stream plans follow-ups from it. They are planned once
 * (the stage is sealed with what the budget allows), registered and enqueued, and only then is the unit resolved, so
 * the run cannot complete in between; a writer killed anywhere here leaves the write job to redo it (same stage).
 */
export async function addFollowUps(runId: string, streamName: string, unit: string, deps: FollowUpDeps, log: Logger): Promise<number> {
  const stream = streamByName(streamName);
  const followUp = stream.sync.followUp;
  const name = `fu-${unit}`;
  let n = followUp ? await deps.stages.sealed(runId, name) : 0;
  if (n === null && followUp) {
    const [parent, run, limit] = await Promise.all([deps.tracker.followUpParent(runId, unit), deps.tracker.info(runId), deps.stages.budget(runId)]);
    const planned =
      parent && run && limit > 0
        ? await followUp.plan({ clickhouse: deps.clickhouse, runId, mode: run.mode as RunMode, parent: parent as PlannedItem['parent'], limit, log })
        : [];
    const payloads = itemPayloads(runId, streamName, planned);
    // Already in the run (planned from an earlier list): not planned twice, not charged twice.
    const known = await deps.tracker.registered(runId, payloads.map(unitSource));
    await deps.stages.write(
      runId,
      name,
      payloads.filter((_, i) => !known[i]),
    );
    n = await deps.stages.seal(runId, name, true);
    if (n > 0) log.info({ runId, unit, followUps: n, budgetLeft: limit - n }, 'follow-ups added to the run');
  }
  // With the fetcher's retry policy, as the run's planned units (the writer does not read FETCH_ATTEMPTS itself).
  const opts = ((await deps.stages.unitOptions(runId)) ?? (stream.priority ? { priority: stream.priority } : {})) as Pick<
    JobsOptions,
    'priority' | 'attempts' | 'backoff'
  >;
  if (n !== null && n > 0) await fanOutStage(deps, runId, name, opts);
  await deps.tracker.resolveFollowUp(runId, unit);
  return n ?? 0;
}

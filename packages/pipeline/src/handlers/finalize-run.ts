import type { ClickHouseClient, Logger } from '@qtp/shared';
import type { RunTracker } from '../state/run-tracker.ts';
import type { RunsRepository } from '../state/runs.repository.ts';
import type { StateRepository, StreamState } from '../state/state.repository.ts';
import { streamByName } from '../streams/registry.ts';
import type { SyncStrategy } from '../streams/stream.ts';

export type FinalizeDeps = {
  tracker: RunTracker;
  state: StateRepository;
  runs: RunsRepository;
  clickhouse: ClickHouseClient;
  dryRun: boolean;
  now?: () => Date;
};

/** A cursor the stream's own schema refuses is never stored (a bug in its sync strategy fails the run loudly). */
function checkCursor(stream: string, schema: SyncStrategy['cursor'], next: StreamState): StreamState {
  if (next.cursor === '') return next;
  if (!schema) throw new Error(`stream ${stream} declares no cursor schema but its run set cursor ${next.cursor.slice(0, 100)}`);
  let value: unknown;
  try {
    value = JSON.parse(next.cursor);
  } catch {
    throw new Error(`stream ${stream}: cursor is not JSON: ${next.cursor.slice(0, 100)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`stream ${stream}: cursor ${next.cursor.slice(0, 100)} refused by its schema: ${parsed.error.message.slice(0, 300)}`);
  return next;
}

/**
 * Called once every page of a run is confirmed in ClickHouse: only now does the stream's durable state move (its
 * sync strategy says how), then the run lock is released.
 */
export async function finalizeRun(runId: string, deps: FinalizeDeps, log: Logger): Promise<void> {
  const run = await deps.tracker.info(runId);
  if (!run) return;
  const now = deps.now?.() ?? new Date();
  const { sync, tables } = streamByName(run.stream);
  const prev = await deps.state.get(run.stream);
  const next = checkCursor(run.stream, sync.cursor, sync.advance(prev, run, now));
  if (deps.dryRun) {
    log.info({ runId, state: next }, 'dry run: would advance the stream state');
    await deps.runs.record(run, 'dry_run', '', now.toISOString());
  } else {
    // A backfill re-reads a bounded window and a replay re-derives rows from the raw landing: neither moves the
    // stream's state (design note 4), nor marks anything vanished (they did not read the whole list).
    if (run.mode !== 'backfill' && run.mode !== 'replay') {
      await sync.complete?.({ clickhouse: deps.clickhouse, run, now, log, tables });
      await deps.state.put(next);
    }
    await deps.runs.record(run, 'ok', '', now.toISOString());
  }
  await deps.tracker.unlock(run.lock, runId);
  log.info({ runId, pages: run.done, fetched: run.fetched, valid: run.valid, quarantined: run.quarantined, written: run.written, state: next }, 'run complete');
}

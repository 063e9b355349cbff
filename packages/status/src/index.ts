export { formatCheck, formatStatus } from './format.ts';
export { streamFreshness } from './freshness.ts';
export { FAILED_STATUSES, formatRuns, type JobRun, listRuns, type RunsQuery } from './runs.ts';
export {
  assessFreshness,
  cronMaxGapMs,
  DEFAULT_STALE_AFTER_MS,
  type Freshness,
  firstDueAt,
  MIN_STALE_AFTER_MS,
  STALE_INTERVALS,
  type StaleAfter,
  scheduleKey,
  schedulerProcessEnv,
  staleAfter,
  staleAfterKey,
  stalenessEnv,
} from './staleness.ts';
export { collectStatus, formatDuration, type QueueStatus, type RunningRun, type StatusOptions, type StatusReport, type StreamStatus } from './status.ts';
export { watchDownstreamWorkers } from './worker-watch.ts';

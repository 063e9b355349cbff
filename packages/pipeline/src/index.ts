export {
  durationFromEnv,
  type FetcherConfig,
  fetcherEnv,
  type SchedulerConfig,
  schedulerEnv,
  type TransformerConfig,
  transformerEnv,
  type WriterConfig,
  writerEnv,
} from './config/env.ts';
export { runIdFor } from './handlers/plan-run.handler.ts';
export type { Condition, FilterVerifier, ListPageResult, OrdersApi } from './handlers/ports.ts';
export { fetchJob } from './jobs/fetch.job.ts';
export { planRunJob } from './jobs/plan-run.job.ts';
export { QUEUES, STREAMS, type StreamName } from './jobs/queues.ts';
export { transformJob } from './jobs/transform.job.ts';
export { TABLES, writeJob } from './jobs/write.job.ts';
export { hashClientId } from './pii/client-hash.ts';
export { sanitizeEvent } from './pii/event-allowlist.ts';
export { sanitizeOrder } from './pii/order-allowlist.ts';
export { type RunInfo, RunTracker } from './state/run-tracker.ts';
export { RunsRepository } from './state/runs.repository.ts';
export { StateRepository, type StreamState } from './state/state.repository.ts';
export { transformEvent } from './transform/events.transform.ts';
export { moscowDate, toApiTimestamp, toClickHouseUtc } from './transform/moscow-time.ts';
export { transformOrder } from './transform/orders.transform.ts';
export { startFetcher } from './wiring/fetcher.wiring.ts';
export { startScheduler } from './wiring/scheduler.wiring.ts';
export type { Stage } from './wiring/stage.ts';
export { startTransformer } from './wiring/transformer.wiring.ts';
export { startWriter } from './wiring/writer.wiring.ts';
export { BatchWriter } from './writer/batch-writer.ts';

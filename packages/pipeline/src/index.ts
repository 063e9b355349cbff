export type { Condition, FilterVerifier, ListPageResult, PartnersApi, QTicketsApi } from './common/api.port.ts';
export { barcodeHash } from './common/barcode-secret.ts';
export { hashClientId } from './common/client-hash.ts';
export { moscowDate, toApiTimestamp, toClickHouseUtc } from './common/moscow-time.ts';
export { QUARANTINE_TABLE } from './common/quarantine.ts';
export {
  type FetcherConfig,
  fetcherEnv,
  type SchedulerConfig,
  schedulerEnv,
  type TransformerConfig,
  transformerEnv,
  type WebhooksConfig,
  type WriterConfig,
  webhooksEnv,
  writerEnv,
} from './config/env.ts';
export { cronSetting, durationSetting } from './config/settings.ts';
export { runIdFor } from './handlers/plan-run.handler.ts';
export { fetchJob } from './jobs/fetch.job.ts';
export { planRunJob } from './jobs/plan-run.job.ts';
export { QUEUES } from './jobs/queues.ts';
export { transformJob } from './jobs/transform.job.ts';
export { writeJob } from './jobs/write.job.ts';
export { type RunInfo, RunTracker } from './state/run-tracker.ts';
export { RunsRepository } from './state/runs.repository.ts';
export { ScheduledSince } from './state/scheduled-since.ts';
export { StateRepository, type StreamState } from './state/state.repository.ts';
export { sanitizeEvent } from './streams/events/events.allowlist.ts';
export { SHOWS_TABLE, transformEvent } from './streams/events/events.transform.ts';
export { sanitizeOrder } from './streams/orders/orders.allowlist.ts';
export { ORDER_TABLES, transformOrder } from './streams/orders/orders.transform.ts';
export { STREAM_DEFINITIONS, STREAMS, type StreamName, streamByName, WRITABLE_TABLES } from './streams/registry.ts';
export { type RecordResult, type RunMode, rawTableOf, type StreamDefinition, type SyncStrategy, type TableDeclaration } from './streams/stream.ts';
export { ChangeBuffer } from './webhooks/change-buffer.ts';
export { type BufferedChange, type CheckedChange, changeOfDelivery, checkChange, recordOfBody } from './webhooks/webhook-body.ts';
export { decide, WebhookDrain } from './webhooks/webhook-drain.ts';
export { createWebhookHandler, startWebhookReceiver, type WebhookReceiver } from './webhooks/webhook-receiver.ts';
export { validSignature } from './webhooks/webhook-signature.ts';
export { startFetcher } from './wiring/fetcher.wiring.ts';
export { startScheduler } from './wiring/scheduler.wiring.ts';
export type { Stage } from './wiring/stage.ts';
export { startTransformer } from './wiring/transformer.wiring.ts';
export { startWriter } from './wiring/writer.wiring.ts';
export { BatchWriter } from './writer/batch-writer.ts';

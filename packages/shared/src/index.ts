export { type CliArgs, parseCli, parseDuration, unknownNames, usageError } from './cli/cli.ts';
export {
  boolFromEnv,
  type ClickHouseSettings,
  clickhouseEnv,
  intFromEnv,
  logEnv,
  REQUIRED_ONE_OF,
  type RedisTarget,
  redisEnv,
  urlFromEnv,
} from './config/common.schema.ts';
export {
  DEV_ONLY_PREFIX,
  type DeploymentMode,
  deploymentMode,
  deploymentProblems,
  isPublishedValue,
  LOADER_SETTINGS,
  PUBLISHED_VALUES,
  SECRET_SETTINGS,
} from './config/deployment.ts';
export {
  DEFAULT_EMBEDDED_DIR,
  type EmbeddedStack,
  embeddedStackDefaults,
  embeddedStackFile,
  removeEmbeddedStack,
  writeEmbeddedStack,
} from './config/embedded-stack.ts';
export { ConfigError, checkConfig, type Env, knownSettings, loadConfig, parseConfig, readEnvFile } from './config/load-config.ts';
export { type ClickHouseClient, createClickHouse, createClickHouseAdmin, isClickHouseUnavailable, PINNED_SETTINGS } from './connections/clickhouse.ts';
export {
  closeRedis,
  createRedis,
  duplicateRedis,
  formatMs,
  isConnectionError,
  parseSentinels,
  type RedisConnection,
  type RedisOptions,
  redisAddress,
  redisReady,
  reportRedisError,
} from './connections/redis.ts';
export { CLAIM_FIELD, redeliver } from './jobs/claim-check.ts';
export {
  buildJobId,
  DEFAULT_RETENTION,
  defineJob,
  enqueue,
  enqueueMany,
  type JobDefinition,
  jobOptions,
  type Payload,
  PayloadError,
  parsePayload,
  type Retention,
  type RetryPolicy,
} from './jobs/job-definition.ts';
export { createQueue, type JobContext, type JobHandler, type JobOutcome, startWorker, type WorkerSettings } from './jobs/worker.ts';
export { boundHeap, missingHeapFlags } from './lifecycle/heap-bound.ts';
export { WORKER_NODE_OPTIONS } from './lifecycle/node-options.ts';
export { Shutdown } from './lifecycle/shutdown.ts';
export { createLogger, type Logger, type LoggerOptions } from './logging/logger.ts';
export { REDACTED, redactString, redactValue } from './logging/redact.ts';
export { type MigrateConfig, migrateEnv } from './migrations/migrate.config.ts';
export { assertAdditive, type MigrationFile, readMigrations, renderSql, splitStatements } from './migrations/migration-files.ts';
export { MigrationError, type MigrationState, Migrator, type MigratorOptions } from './migrations/migrator.ts';
export { applyRawRetention, parseRetentionDays } from './migrations/raw-retention.ts';
export { checkSchema, guardSchema, MIGRATIONS_DIR, type SchemaCheck, type SchemaGuardOptions } from './migrations/schema-check.ts';
export {
  type ApiRequestEvent,
  BACKLOG_STATES,
  type InsertEvent,
  METRIC_NAMES,
  type MetricsOptions,
  PipelineMetrics,
  QUEUE_STATES,
  type QueueState,
  type StreamFreshness,
} from './ops/metrics.ts';
export { METRICS_PORTS, type OpsSettings, opsEnv } from './ops/ops-env.ts';
export {
  checkReadiness,
  clickhouseCheck,
  type OpsServer,
  type OpsServerOptions,
  type Readiness,
  type ReadinessCheck,
  redisCheck,
  startOpsServer,
} from './ops/ops-server.ts';
export { type ProcessOps, startProcessOps } from './ops/process-ops.ts';
export { TimeoutError, withTimeout } from './ops/timeout.ts';
export {
  WEBHOOK_EVENTS,
  WEBHOOK_METRIC_NAMES,
  WEBHOOK_OUTCOMES,
  WebhookMetrics,
  type WebhookOutcome,
  webhookEventLabel,
} from './ops/webhook-metrics.ts';

// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { fetchJob, QUEUES, startWebhookReceiver, webhooksEnv } from '@qtp/pipeline';
import { closeRedis, createLogger, createQueue, createRedis, loadConfig, Shutdown, startProcessOps } from '@qtp/shared';

const cfg = loadConfig(webhooksEnv);
const log = createLogger({ name: 'webhooks', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-webhooks', { log });
const ops = await startProcessOps({ service: 'webhooks', settings: cfg, log, redis, prefix: cfg.QUEUE_PREFIX, queues: Object.values(QUEUES) });
const fetchQueue = createQueue(fetchJob, redis, cfg.QUEUE_PREFIX);
const { server, url } = await startWebhookReceiver({ secret: cfg.WEBHOOK_SECRET, fetchQueue, log, host: cfg.WEBHOOK_HOST, port: cfg.WEBHOOK_PORT });
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('http', () => new Promise((resolve) => server.close(resolve)))
  .add('queue', () => fetchQueue.close())
  .add('metrics', () => ops.metrics.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info({ url, ops: ops.server.url }, 'webhooks started');

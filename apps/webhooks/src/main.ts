import { fetchJob, startWebhookReceiver, webhooksEnv } from '@qtp/pipeline';
import { closeRedis, createLogger, createQueue, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(webhooksEnv);
const log = createLogger({ name: 'webhooks', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-webhooks');
const fetchQueue = createQueue(fetchJob, redis, cfg.QUEUE_PREFIX);
const { server, url } = await startWebhookReceiver({ secret: cfg.WEBHOOK_SECRET, fetchQueue, log, host: cfg.WEBHOOK_HOST, port: cfg.WEBHOOK_PORT });
new Shutdown(log)
  .add('http', () => new Promise((resolve) => server.close(resolve)))
  .add('queue', () => fetchQueue.close())
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ url }, 'webhook receiver started');

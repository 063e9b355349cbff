// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { fetcherEnv, QUEUES, startFetcher } from '@qtp/pipeline';
import { createPartnersClient, createQTicketsClient, tokenFingerprint, verifyFilter } from '@qtp/qtickets-client';
import { closeRedis, createLogger, createRedis, loadConfig, Shutdown, startProcessOps } from '@qtp/shared';

const cfg = loadConfig(fetcherEnv);
const log = createLogger({ name: 'fetcher', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-fetcher', { log });
const ops = await startProcessOps({ service: 'fetcher', settings: cfg, log, redis, prefix: cfg.QUEUE_PREFIX, queues: Object.values(QUEUES) });
const api = createQTicketsClient({
  baseUrl: cfg.QTICKETS_BASE_URL,
  token: cfg.QTICKETS_TOKEN,
  filterEncoding: cfg.QTICKETS_FILTER_ENCODING,
  logger: log,
  onRequest: ops.metrics.apiRequest,
});
// Partners API: optional, with short timeouts and few in-job retries so a failing partners host holds a fetch slot
// briefly (BullMQ's backoff between attempts frees the slot for the REST streams).
const partners = cfg.QTICKETS_PARTNERS_TOKEN
  ? createPartnersClient({
      baseUrl: cfg.QTICKETS_PARTNERS_BASE_URL,
      partnerKey: cfg.QTICKETS_PARTNERS_TOKEN,
      logger: log,
      timeouts: { connectMs: 5_000, responseMs: 20_000, readMs: 20_000 },
      retry: { maxAttempts: 3, maxTotalMs: 30_000 },
    })
  : null;
const fetcher = startFetcher(cfg, { redis, log, api, partners, verifyFilter });
for (const w of fetcher.workers) ops.metrics.observeWorker(w);
new Shutdown(log)
  .add('readiness', async () => ops.server.drain())
  .add('fetcher', fetcher.close)
  .add('metrics', () => ops.metrics.close())
  .add('redis', () => closeRedis(redis))
  .add('ops server', ops.server.close)
  .install();
log.info(
  {
    baseUrl: cfg.QTICKETS_BASE_URL,
    token: tokenFingerprint(cfg.QTICKETS_TOKEN),
    rps: cfg.QTICKETS_RPS,
    partners: partners ? { baseUrl: partners.baseUrl, key: partners.keyFingerprint } : 'off (QTICKETS_PARTNERS_TOKEN not set)',
    ops: ops.server.url,
  },
  'fetcher started',
);

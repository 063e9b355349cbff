import { fetcherEnv, startFetcher } from '@qtp/pipeline';
import { createQTicketsClient, tokenFingerprint, verifyFilter } from '@qtp/qtickets-client';
import { closeRedis, createLogger, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(fetcherEnv);
const log = createLogger({ name: 'fetcher', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg.REDIS_URL, 'qtp-fetcher');
const api = createQTicketsClient({ baseUrl: cfg.QTICKETS_BASE_URL, token: cfg.QTICKETS_TOKEN, filterEncoding: cfg.QTICKETS_FILTER_ENCODING, logger: log });
const fetcher = startFetcher(cfg, { redis, log, api, verifyFilter });
new Shutdown(log)
  .add('fetcher', fetcher.close)
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ baseUrl: cfg.QTICKETS_BASE_URL, token: tokenFingerprint(cfg.QTICKETS_TOKEN), rps: cfg.QTICKETS_RPS }, 'fetcher started');

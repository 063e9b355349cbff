// First: an app started without heap limits re-executes itself with them (WORKER_NODE_OPTIONS).
import '@qtp/shared/bound-heap';
import { serve } from '@hono/node-server';
import { createDashboardApp, dashboardEnv } from '@qtp/dashboard';
import { closeRedis, createLogger, createRedis, loadConfig, Shutdown } from '@qtp/shared';

const cfg = loadConfig(dashboardEnv);
const log = createLogger({ name: 'dashboard', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
const redis = createRedis(cfg, 'qtp-dashboard', { log });
const dashboard = createDashboardApp({
  redis,
  prefix: cfg.QUEUE_PREFIX,
  user: cfg.DASHBOARD_USER,
  passwordHash: cfg.DASHBOARD_PASSWORD_HASH,
  readOnly: cfg.DASHBOARD_READ_ONLY,
});
const server = serve({ fetch: dashboard.app.fetch, hostname: cfg.DASHBOARD_HOST, port: cfg.DASHBOARD_PORT });
new Shutdown(log)
  .add('http', () => new Promise((resolve) => server.close(resolve)))
  .add('queues', dashboard.close)
  .add('redis', () => closeRedis(redis))
  .install();
log.info({ url: `http://${cfg.DASHBOARD_HOST}:${cfg.DASHBOARD_PORT}/`, user: cfg.DASHBOARD_USER, readOnly: cfg.DASHBOARD_READ_ONLY }, 'dashboard started');

import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { QUEUES } from '@qtp/pipeline';
import { type RedisConnection, reportRedisError } from '@qtp/shared';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { verifyPassword } from './password-hash.ts';

export type DashboardOptions = {
  redis: RedisConnection;
  prefix: string;
  user: string;
  passwordHash: string;
  /** Look only: Bull Board refuses every action (retry, clean, promote, remove, pause, add) with 405. */
  readOnly?: boolean;
};

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Bull Board over every queue of the pipeline (plan, fetch, transform, write) at `/`, behind basic auth. Job data is
 * PII-free by design (the fetcher drops personal data before anything reaches Redis), so it is safe to show.
 * `GET /healthz` answers without authentication (for container healthchecks).
 */
export function createDashboardApp(o: DashboardOptions): { app: Hono; queues: Queue[]; close: () => Promise<void> } {
  const queues = Object.values(QUEUES).map((name) => {
    const q = new Queue(name, { connection: o.redis, prefix: o.prefix });
    q.on('error', (err) => reportRedisError(o.redis, err, `queue ${name}`));
    return q;
  });
  const board = new HonoAdapter(serveStatic);
  board.setBasePath('/');
  const readOnlyMode = o.readOnly === true;
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode, allowRetries: !readOnlyMode })),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'qtickets-pipeline (read-only)' : 'qtickets-pipeline' } },
  });
  const app = new Hono();
  app.get('/healthz', (c) => c.text('ok'));
  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const [scheme, encoded = ''] = header.split(' ');
    const [user = '', ...rest] = scheme === 'Basic' ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [];
    if (sameText(user, o.user) && verifyPassword(rest.join(':'), o.passwordHash)) return next();
    return c.text('authentication required', 401, { 'WWW-Authenticate': 'Basic realm="qtickets-pipeline"' });
  });
  app.route('/', board.registerPlugin());
  return { app, queues, close: async () => void (await Promise.all(queues.map((q) => q.close()))) };
}

import { fetchJob, QUEUES } from '@qtp/pipeline';
import { type TestRedis, testRedis } from '@qtp/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../src/dashboard.app.ts';
import { hashPassword, verifyPassword } from '../src/password-hash.ts';

const PASSWORD = 'correct horse battery staple';
const basic = (user: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });

describe('dashboard password hashes', () => {
  it('verifies the right password only, and never stores it in clear', () => {
    const h = hashPassword(PASSWORD);
    expect(h).toMatch(/^scrypt\.[0-9a-f]{32}\.[0-9a-f]{64}$/);
    expect(h).not.toContain(PASSWORD);
    expect(verifyPassword(PASSWORD, h)).toBe(true);
    expect(verifyPassword(`${PASSWORD}!`, h)).toBe(false);
    expect(verifyPassword(PASSWORD, 'plain-text-password')).toBe(false);
    expect(hashPassword(PASSWORD)).not.toBe(h); // salted
  });
});

describe('dashboard over a real Redis', () => {
  let r: TestRedis;
  let dash: ReturnType<typeof createDashboardApp>;
  beforeAll(async () => {
    r = testRedis('dash');
    dash = createDashboardApp({ redis: r.redis, prefix: r.prefix, user: 'ops', passwordHash: hashPassword(PASSWORD) });
    const q = new Queue(fetchJob.queue, { connection: r.redis, prefix: r.prefix });
    await q.add(fetchJob.queue, { kind: 'page', runId: 'r1', stream: 'orders', query: 'list', page: 7 }, { jobId: 'r1|list|p7' });
    await q.close();
  });
  afterAll(async () => {
    await dash.close();
    await r.close();
  });

  it.each([
    ['no credentials', {}],
    ['a wrong password', basic('ops', 'guess')],
    ['a wrong user', basic('root', PASSWORD)],
  ])('refuses %s with 401', async (_n, headers) => {
    const res = await dash.app.request('/api/queues', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.text()).not.toContain('r1|list|p7');
  });

  it('lists every pipeline queue and its jobs to an authenticated user', async () => {
    const res = await dash.app.request('/api/queues?activeQueue=fetch&status=waiting', { headers: basic('ops', PASSWORD) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string; jobs: Array<{ id: string }> }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
    expect(body.queues.find((q) => q.name === 'fetch')?.jobs.map((j) => j.id)).toContain('r1|list|p7');
  });

  it('serves the UI and an unauthenticated health check', async () => {
    const ui = await dash.app.request('/', { headers: basic('ops', PASSWORD) });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<html/i);
    expect((await dash.app.request('/healthz')).status).toBe(200);
  });
});

describe('read-only dashboard (DASHBOARD_READ_ONLY)', () => {
  let r: TestRedis;
  let dash: ReturnType<typeof createDashboardApp>;
  beforeAll(async () => {
    r = testRedis('dashro');
    dash = createDashboardApp({ redis: r.redis, prefix: r.prefix, user: 'ops', passwordHash: hashPassword(PASSWORD), readOnly: true });
    const q = new Queue(fetchJob.queue, { connection: r.redis, prefix: r.prefix });
    await q.add(fetchJob.queue, { kind: 'page', runId: 'r2', stream: 'orders', query: 'list', page: 1 }, { jobId: 'r2|list|p1' });
    await q.close();
  });
  afterAll(async () => {
    await dash.close();
    await r.close();
  });

  it('shows queues and jobs, marked read-only', async () => {
    const res = await dash.app.request('/api/queues?activeQueue=fetch&status=waiting', { headers: basic('ops', PASSWORD) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<{ name: string; readOnlyMode: boolean; jobs: Array<{ id: string }> }> };
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    expect(body.queues.find((q) => q.name === 'fetch')?.jobs.map((j) => j.id)).toContain('r2|list|p1');
  });

  it.each([
    ['retry every failed job', '/api/queues/fetch/retry/failed'],
    ['clean the waiting jobs', '/api/queues/fetch/clean/waiting'],
    ['promote', '/api/queues/fetch/promote'],
    ['remove one job', `/api/queues/fetch/${encodeURIComponent('r2|list|p1')}/clean`],
    ['empty the queue', '/api/queues/fetch/empty'],
  ])('refuses to %s (405) and changes nothing', async (_what, path) => {
    const res = await dash.app.request(path, { method: 'PUT', headers: basic('ops', PASSWORD) });
    expect(res.status).toBe(405);
    const q = new Queue(fetchJob.queue, { connection: r.redis, prefix: r.prefix });
    try {
      expect(await q.getJobState('r2|list|p1')).toBe('waiting');
    } finally {
      await q.close();
    }
  });
});

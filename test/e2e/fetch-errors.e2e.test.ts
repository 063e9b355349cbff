import { fetchJob } from '@qtp/pipeline';
import { createQueue, enqueue } from '@qtp/shared';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, logCollector, startAll, startHarness } from './pipeline-harness.ts';

const logs = logCollector();

describe('fetch errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 3, historyDays: 5, ordersPerDay: 200 }, logs.sink);
    await startAll(h);
  });
  afterAll(async () => h?.close());

  it('a rejected token fails the fetch job at once (no pointless retries) and never shows the token', async () => {
    const wrongToken = 'wrong-token-0123456789abcdef';
    await h.start('fetcher', { token: wrongToken });
    const queue = createQueue(fetchJob, h.r.redis, h.r.prefix);
    try {
      const id = await enqueue(queue, fetchJob, { kind: 'page', runId: 'auth-check', stream: 'orders', query: 'list', page: 1 });
      let job: Job | undefined;
      for (let i = 0; i < 100 && !job?.failedReason; i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = await queue.getJob(id);
      }
      expect(job?.failedReason).toMatch(/^auth: /);
      expect(job?.attemptsMade).toBe(1);
      const stored = JSON.stringify(await h.r.redis.hgetall(`${h.r.prefix}:${fetchJob.queue}:${id}`));
      expect(stored).not.toContain(wrongToken);
      expect(logs.text()).not.toContain(wrongToken);
    } finally {
      await queue.close();
      await h.start('fetcher');
    }
  });

  it('a run whose fetch fails permanently is recorded as failed and frees the stream for the next run', async () => {
    await h.start('fetcher', { token: 'wrong-token-0123456789abcdef' });
    const failed = await h.runExpectingFailure();
    await h.start('fetcher');
    const next = await h.run();
    const rs = await h.ch.client.query({ query: 'SELECT run_id, status, error FROM meta_job_runs FINAL ORDER BY started_at', format: 'JSONEachRow' });
    const runs = await rs.json<{ run_id: string; status: string; error: string }>();
    expect(runs.find((r) => r.run_id === failed)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^auth: /) });
    expect(runs.find((r) => r.run_id === next)).toMatchObject({ status: 'ok' });
    expect(JSON.stringify(runs)).not.toContain('wrong-token');
  });

  it('503s and 429 bursts are retried by the client and the run still completes', async () => {
    h.sim.setFaults({ error503Rate: 0.5, rateLimit: { every: 4, burst: 2, retryAfterSeconds: 0 } });
    await h.run('reconcile');
    h.sim.setFaults({ error503Rate: 0, rateLimit: null });
    const statuses = h.sim.requestLog().map((r) => r.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(429);
  });
});

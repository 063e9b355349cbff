import { type TestRedis, testRedis } from '@qtp/testing';
import { type Job, type Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, createQueue, defineJob, enqueue, type JobHandler, PayloadError, startWorker } from '../src/index.ts';

const log = createLogger({ name: 'jobs-test', level: 'silent' });

const pageJob = defineJob({
  queue: 'test-fetch',
  schema: z.object({ stream: z.literal('orders'), page: z.number().int().positive(), runId: z.string() }),
  jobId: (p) => `${p.stream}|${p.runId}|p${p.page}`,
  retry: { attempts: 3, backoffMs: 10, jitter: 0 },
});

/** A queue, its events and a worker running `handler`, for the duration of `body`. */
async function withWorker(r: TestRedis, handler: JobHandler<typeof pageJob.schema>, body: (queue: Queue, events: QueueEvents) => Promise<void>): Promise<void> {
  const queue = createQueue(pageJob, r.redis, r.prefix);
  const events = new QueueEvents(pageJob.queue, { connection: r.connectionOptions, prefix: r.prefix });
  const worker = startWorker(pageJob, handler, { connection: r.redis, prefix: r.prefix, logger: log });
  try {
    await events.waitUntilReady();
    await body(queue, events);
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
  }
}

describe('job definitions', () => {
  let r: TestRedis;
  beforeAll(() => {
    r = testRedis('jobs');
  });
  afterAll(async () => r.close());

  it('round-trips a payload through a real Redis: validated, deduplicated by id, handled once', async () => {
    const seen: Array<{ page: number; id: string | undefined }> = [];
    await withWorker(
      r,
      async (payload, { job }) => {
        seen.push({ page: payload.page, id: job.id });
        return { status: 'ok', detail: { page: payload.page } };
      },
      async (queue, events) => {
        const id = await enqueue(queue, pageJob, { stream: 'orders', page: 3, runId: '2026-11-23T10' });
        expect(id).toBe('orders|2026-11-23T10|p3');
        await enqueue(queue, pageJob, { stream: 'orders', page: 3, runId: '2026-11-23T10' }); // duplicate: no-op
        const job = (await queue.getJob(id)) as Job;
        expect(await job.waitUntilFinished(events, 10_000)).toEqual({ status: 'ok', detail: { page: 3 } });
        expect(seen).toEqual([{ page: 3, id }]);
        expect(job.opts.attempts).toBe(3);
        expect(job.opts.removeOnComplete).toEqual({ count: 2000, age: 86400 });
      },
    );
  });

  it('rejects an invalid payload when enqueued', async () => {
    const queue = createQueue(pageJob, r.redis, r.prefix);
    await expect(enqueue(queue, pageJob, { stream: 'orders', page: 0, runId: 'x' })).rejects.toThrow(PayloadError);
    await expect(enqueue(queue, pageJob, { stream: 'orders', page: 1, runId: 'a:b' })).rejects.toThrow(/':'/);
    await queue.close();
  });

  it('fails an invalid payload at processing time without retrying', async () => {
    let calls = 0;
    await withWorker(
      r,
      async () => {
        calls++;
        return { status: 'ok' };
      },
      async (queue, events) => {
        const job = await queue.add(pageJob.queue, { stream: 'events', page: -1 }, { jobId: 'bad-payload', attempts: 3 });
        await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid test-fetch payload/);
        expect(((await queue.getJob('bad-payload')) as Job).attemptsMade).toBe(1);
        expect(calls).toBe(0);
      },
    );
  });

  it('retries a throwing handler with backoff, then succeeds', async () => {
    let calls = 0;
    await withWorker(
      r,
      async () => {
        calls++;
        if (calls < 3) throw new Error('transient');
        return { status: 'ok' };
      },
      async (queue, events) => {
        const id = await enqueue(queue, pageJob, { stream: 'orders', page: 1, runId: 'retry' });
        await ((await queue.getJob(id)) as Job).waitUntilFinished(events, 10_000);
        expect(calls).toBe(3);
      },
    );
  });
});

import { type TestRedis, testRedis } from '@qtp/testing';
import { type Job, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLAIM_FIELD, createLogger, createQueue, defineJob, enqueue, PayloadError, redeliver, startWorker } from '../src/index.ts';

const log = createLogger({ name: 'claim-test', level: 'silent' });

const pageJob = defineJob({
  queue: 'test-claims',
  schema: z.object({ runId: z.string(), page: z.number().int(), rows: z.array(z.object({ id: z.number() })) }),
  jobId: (p) => `${p.runId}|p${p.page}`,
  retry: { attempts: 2, backoffMs: 10, jitter: 0 },
  claimCheck: 'rows',
});

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));

describe('claim checks (large payloads stored once, the job carries the key)', () => {
  let r: TestRedis;
  beforeAll(() => {
    r = testRedis('claims');
  });
  afterAll(async () => r.close());

  it('keeps the bulky field out of the job, hands it whole to the handler, and drops it once the job completed', async () => {
    const queue = createQueue(pageJob, r.redis, r.prefix);
    const events = new QueueEvents(pageJob.queue, { connection: r.connectionOptions, prefix: r.prefix });
    await events.waitUntilReady();
    const id = await enqueue(queue, pageJob, { runId: 'a', page: 1, rows: rows(500) });
    const job = (await queue.getJob(id)) as Job;
    expect(job.data.rows).toBeUndefined();
    const key = job.data[CLAIM_FIELD] as string;
    expect(JSON.parse((await r.redis.get(key)) as string)).toEqual(rows(500));
    expect(await r.redis.ttl(key)).toBeGreaterThan(24 * 3600);
    // a duplicate enqueue is a no-op for the job and never overwrites its claim
    await enqueue(queue, pageJob, { runId: 'a', page: 1, rows: rows(3) });
    expect(JSON.parse((await r.redis.get(key)) as string)).toHaveLength(500);
    const seen: number[] = [];
    const worker = startWorker(
      pageJob,
      async (p) => {
        seen.push(p.rows.length);
        return { status: 'ok' };
      },
      { connection: r.redis, prefix: r.prefix, logger: log },
    );
    try {
      await job.waitUntilFinished(events, 10_000);
      expect(seen).toEqual([500]);
      for (let i = 0; i < 50 && (await r.redis.exists(key)) === 1; i++) await new Promise((res) => setTimeout(res, 20));
      expect(await r.redis.exists(key)).toBe(0);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it('validates the claimed field when enqueued, and re-delivers a job with a copy of its claim', async () => {
    const queue = createQueue(pageJob, r.redis, r.prefix);
    await expect(enqueue(queue, pageJob, { runId: 'b', page: 1, rows: [{ id: 'x' as unknown as number }] })).rejects.toThrow(PayloadError);
    const id = await enqueue(queue, pageJob, { runId: 'b', page: 2, rows: rows(2) });
    const job = (await queue.getJob(id)) as Job;
    await redeliver(queue, job, `${id}|again`);
    const again = (await queue.getJob(`${id}|again`)) as Job;
    expect(again.data[CLAIM_FIELD]).not.toBe(job.data[CLAIM_FIELD]);
    expect(JSON.parse((await r.redis.get(again.data[CLAIM_FIELD] as string)) as string)).toEqual(rows(2));
    await queue.close();
  });

  it('fails a job whose claim is gone at once, with a clear reason', async () => {
    const queue = createQueue(pageJob, r.redis, r.prefix);
    const events = new QueueEvents(pageJob.queue, { connection: r.connectionOptions, prefix: r.prefix });
    await events.waitUntilReady();
    const id = await enqueue(queue, pageJob, { runId: 'c', page: 1, rows: rows(1) });
    const job = (await queue.getJob(id)) as Job;
    await r.redis.del(job.data[CLAIM_FIELD] as string);
    const worker = startWorker(pageJob, async () => ({ status: 'ok' }), { connection: r.redis, prefix: r.prefix, logger: log });
    try {
      await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/gone from Redis/);
      expect(((await queue.getJob(id)) as Job).attemptsMade).toBe(1);
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});

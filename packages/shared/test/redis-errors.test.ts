import { Writable } from 'node:stream';
import { freePort } from '@qtp/embedded';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeRedis, createLogger, createQueue, createRedis, defineJob, redisReady } from '../src/index.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger({ name: 'test', level: 'debug', destination }), lines };
}

describe('Redis connection errors', () => {
  it('go through the JSON logger once per distinct message, the queue re-emitting them included', async () => {
    const { log, lines } = capture();
    const port = await freePort();
    const redis = createRedis(`redis://127.0.0.1:${port}`, 'test-conn', { log });
    const queue = createQueue(defineJob({ queue: 'errs', schema: z.object({}), jobId: () => 'x' }), redis, 'p');
    try {
      await expect(redisReady(redis, 1_500, `Redis at 127.0.0.1:${port}`)).rejects.toThrow(
        `Redis at 127.0.0.1:${port} not reachable within 1.5 s`.replace('1.5 s', '1500 ms'),
      );
      const errors = lines.filter((l) => l.msg === 'redis error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ level: 'warn', redis: 'test-conn', source: 'connection', err: { code: 'ECONNREFUSED' } });
    } finally {
      await queue.close().catch(() => {});
      await closeRedis(redis);
    }
  });

  it('CLIs can keep them at debug level', async () => {
    const { log, lines } = capture();
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}`, 'cli-conn', { log, errorLevel: 'debug' });
    await redisReady(redis, 500).catch(() => {});
    await closeRedis(redis);
    expect(lines.filter((l) => l.msg === 'redis error').map((l) => l.level)).toEqual(['debug']);
  });
});

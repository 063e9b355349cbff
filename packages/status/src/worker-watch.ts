import { QUEUES } from '@qtp/pipeline';
import { type Logger, type RedisConnection, reportRedisError, withTimeout } from '@qtp/shared';
import { Queue, type Worker } from 'bullmq';

/**
 * The scheduler's cheap liveness check of the stages downstream: after every plan job (a run started, or skipped
 * because one is "still in progress"), counts the live workers of the fetch, transform and write queues and warns
 * when one has none — a run cannot advance then, and nothing else would say so.
 */
export function watchDownstreamWorkers(o: { planWorker: Worker; redis: RedisConnection; prefix: string; log: Logger; timeoutMs?: number }): {
  check: () => Promise<string[]>;
  close: () => Promise<void>;
} {
  const names = [QUEUES.fetch, QUEUES.transform, QUEUES.write];
  const queues = names.map((name) => {
    const q = new Queue(name, { connection: o.redis, prefix: o.prefix });
    q.on('error', (err) => reportRedisError(o.redis, err, `queue ${name}`));
    return q;
  });
  const check = async (): Promise<string[]> => {
    const counts = await Promise.all(queues.map((q) => withTimeout(q.getWorkersCount(), o.timeoutMs ?? 5_000, `workers of ${q.name}`)));
    return names.filter((_, i) => counts[i] === 0);
  };
  let busy = false;
  const onPlan = (outcome: unknown) => {
    if (busy) return;
    busy = true;
    check()
      .then((missing) => {
        if (missing.length === 0) return;
        const reason = (outcome as { reason?: string } | undefined)?.reason;
        o.log.warn(
          { queues: missing, plan: reason ?? 'run started' },
          `no live worker on the ${missing.join(', ')} queue${missing.length > 1 ? 's' : ''}: runs cannot advance until ${missing.length > 1 ? 'they start' : 'one starts'} (is the ${missing.map(stageOf).join(', ')} running?)`,
        );
      })
      .catch((err: unknown) => o.log.debug({ err: { message: (err as Error).message } }, 'worker check failed'))
      .finally(() => {
        busy = false;
      });
  };
  o.planWorker.on('completed', (_job, result) => onPlan(result));
  return { check, close: async () => void (await Promise.all(queues.map((q) => q.close()))) };
}

const stageOf = (queue: string) => ({ fetch: 'fetcher', transform: 'transformer', write: 'writer' })[queue] ?? queue;

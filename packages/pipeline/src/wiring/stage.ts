import type { Queue, Worker } from 'bullmq';

/** A running stage: its workers and queues, closed in order (workers first, so in-flight jobs finish or go back). */
export type Stage = { name: string; workers: Worker[]; close: () => Promise<void> };

export function stage(name: string, workers: Worker[], queues: Queue[], extra: Array<() => Promise<unknown>> = []): Stage {
  return {
    name,
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      for (const fn of extra) await fn();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}

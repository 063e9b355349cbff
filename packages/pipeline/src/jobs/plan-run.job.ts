import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { QUEUES, STREAMS } from './queues.ts';

/**
 * Starts one run of a stream. Produced by the scheduler's job schedulers (one per stream and mode) and by the
 * re-queue CLI; processed in the scheduler process, which reads the stream's durable state and enqueues discovery.
 */
export const planRunJob = defineJob({
  queue: QUEUES.plan,
  schema: z.object({
    stream: z.enum(STREAMS),
    mode: z.enum(['incremental', 'reconcile']),
    /** Set by manual triggers so two of them get distinct ids; schedulers leave it out. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .optional(),
  }),
  jobId: (p) => `${p.stream}|plan|${p.mode}|${p.requestId ?? 'scheduled'}`,
  retry: { attempts: 5, backoffMs: 5_000 },
});

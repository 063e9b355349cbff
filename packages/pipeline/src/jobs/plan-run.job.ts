import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS, streamByName } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';

/**
 * Starts one run of a stream. Produced by the scheduler's job schedulers (one per stream and mode) and by the
 * re-queue CLI; processed in the scheduler process, which reads the stream's durable state and enqueues discovery.
 */
const compact = (iso: string) => iso.replace(/[^0-9TZ+]/g, '');

export const planRunJob = defineJob({
  queue: QUEUES.plan,
  schema: z
    .object({
      stream: z.enum(STREAMS),
      mode: z.enum(['incremental', 'reconcile', 'backfill', 'replay']),
      /** Backfill: records created in [from, to) (ISO instants); replay: record versions in [from, to), optional. */
      window: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).optional(),
      /** Set by manual triggers so two of them get distinct ids; schedulers leave it out. */
      requestId: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/)
        .optional(),
      /**
       * Manual triggers: if a run of the stream is in progress, wait for it to end and then start (scheduled plan
       * jobs, and `requeue --no-wait-lock`, leave it out and are skipped instead).
       */
      waitForLock: z.boolean().optional(),
    })
    .refine((p) => (p.mode === 'backfill' ? p.window !== undefined : p.mode === 'replay' || p.window === undefined), {
      message: 'a backfill needs a window, and only a backfill or a replay takes one',
      path: ['window'],
    })
    .refine((p) => p.mode === 'replay' || streamByName(p.stream).sync.modes.includes(p.mode), {
      message: 'this stream has no runs of that mode',
      path: ['mode'],
    })
    .refine((p) => !p.window || Date.parse(p.window.from) < Date.parse(p.window.to), { message: 'window.from must be before window.to', path: ['window'] }),
  jobId: (p) => `${p.stream}|plan|${p.mode}|${p.window ? `${compact(p.window.from)}-${compact(p.window.to)}|` : ''}${p.requestId ?? 'scheduled'}`,
  retry: { attempts: 5, backoffMs: 5_000 },
});

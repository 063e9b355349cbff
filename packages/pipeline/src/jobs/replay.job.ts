import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';

/**
 * One slice of a replay: the raw records of a stream whose natural id is in [fromKey, toKey] (and whose version is in
 * the run's window, if it has one). The scheduler reads them from ClickHouse and hands them to the transformer.
 */
export const replaySliceJob = defineJob({
  queue: QUEUES.replay,
  schema: z.object({
    runId: z.string(),
    stream: z.enum(STREAMS),
    source: z.string().regex(/^s\d+$/),
    fromKey: z.string(),
    toKey: z.string(),
    window: z.object({ from: z.string(), to: z.string() }).optional(),
  }),
  jobId: (p) => `${p.runId}|${p.source}|r`,
  retry: { attempts: 8, backoffMs: 2_000 },
});

export type ReplaySlice = z.output<typeof replaySliceJob.schema>;

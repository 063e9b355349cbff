import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';

const parentRef = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

/** One fetched page, PII already dropped by the fetcher's allow-list. */
export const transformJob = defineJob({
  queue: QUEUES.transform,
  schema: z.object({
    runId: z.string(),
    stream: z.enum(STREAMS),
    source: z.string(),
    fetchedAt: z.string(),
    /** Rows violated the requested filter (the server ignored it): kept, since extra rows are harmless. */
    filterIgnored: z.boolean().default(false),
    records: z.array(z.unknown()),
    /** Per-parent sources: the parent these records belong to. */
    parent: parentRef.optional(),
    /** Webhook changes: when the receiver took the (earliest) delivery; such a job belongs to no planned run. */
    receivedAtMs: z.number().int().nonnegative().optional(),
    /**
     * Replay: the records come from the raw landing, each with the run, fetch time and parent it was first read
     * with (so the transform sees what it saw then); nothing lands in the raw landing again.
     */
    replayed: z.array(z.object({ runId: z.string(), fetchedAt: z.string(), parent: parentRef.optional() })).optional(),
  }),
  jobId: (p) => `${p.runId}|${p.source}|t`,
  retry: { attempts: 5, backoffMs: 1_000 },
  claimCheck: 'records',
});

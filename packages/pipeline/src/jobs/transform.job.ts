import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';

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
    parent: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    /** Webhook changes: when the receiver took the (earliest) delivery; such a job belongs to no planned run. */
    receivedAtMs: z.number().int().nonnegative().optional(),
  }),
  jobId: (p) => `${p.runId}|${p.source}|t`,
  retry: { attempts: 5, backoffMs: 1_000 },
  claimCheck: 'records',
});

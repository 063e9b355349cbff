import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS, WRITABLE_TABLES } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';
import { rowsCodec } from './rows-codec.ts';

/** Rows come from our own transforms: checked as plain objects (their columns are checked by ClickHouse's insert). */
const row = z.custom<Record<string, unknown>>((r) => typeof r === 'object' && r !== null && !Array.isArray(r), 'a row must be an object');
const rows = z.array(row);

/** Rows of one page for the batching writer, plus what the run tracker needs once they are confirmed. */
export const writeJob = defineJob({
  queue: QUEUES.write,
  schema: z.object({
    runId: z.string(),
    stream: z.enum(STREAMS),
    source: z.string(),
    /** Rows per table: the stream's own tables and quarantine, nothing else. */
    rows: z.record(z.string(), rows).refine((r) => Object.keys(r).every((t) => WRITABLE_TABLES.has(t)), {
      message: `tables must be among: ${[...WRITABLE_TABLES].join(', ')}`,
    }),
    stats: z.object({
      fetched: z.number().int().nonnegative(),
      valid: z.number().int().nonnegative(),
      quarantined: z.number().int().nonnegative(),
      maxId: z.number().int().nonnegative(),
      /** Latest updated_at among valid records, as epoch ms (0 when none). */
      maxUpdatedAtMs: z.number().int().nonnegative(),
      filterIgnored: z.boolean(),
    }),
    /** Webhook changes (see the transform job): observed as change → row once ClickHouse confirmed the rows. */
    receivedAtMs: z.number().int().nonnegative().optional(),
  }),
  jobId: (p) => `${p.runId}|${p.source}|w`,
  retry: { attempts: 10, backoffMs: 2_000, jitter: 1 },
  claimCheck: 'rows',
  claimCodec: rowsCodec,
  // A page's rows and its raw landing rows (the sanitized records again, as JSON).
  maxPayloadBytes: 1024 * 1024,
});

export type WritePayload = z.output<typeof writeJob.schema>;

import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS, WRITABLE_TABLES } from '../streams/registry.ts';
import { type InsertChunk, insertChunksCodec } from './insert-chunks.ts';
import { QUEUES } from './queues.ts';

/**
 * Rows come from our own transforms, insert-ready (insert-chunks.ts): a chunk's shape is checked here, its values by
 * ClickHouse's insert.
 */
const chunk = z.custom<InsertChunk>((c) => {
  const x = c as Partial<InsertChunk> | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    (x.format === 'JSONCompactEachRow' || x.format === 'JSONEachRow') &&
    Array.isArray(x.columns) &&
    Number.isInteger(x.rows) &&
    (typeof x.body === 'string' || Buffer.isBuffer(x.body))
  );
}, 'a table must be an insert chunk (format, columns, rows, body)');

/** Rows of one page for the batching writer, plus what the run tracker needs once they are confirmed. */
export const writeJob = defineJob({
  queue: QUEUES.write,
  schema: z.object({
    runId: z.string(),
    stream: z.enum(STREAMS),
    source: z.string(),
    /** Rows per table, insert-ready: the stream's own tables and quarantine, nothing else. */
    rows: z.record(z.string(), chunk).refine((r) => Object.keys(r).every((t) => WRITABLE_TABLES.has(t)), {
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
  claimCodec: insertChunksCodec,
  // A page's rows and its raw landing rows (the sanitized records again, as JSON).
  maxPayloadBytes: 1024 * 1024,
});

export type WritePayload = z.output<typeof writeJob.schema>;

import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { QUEUES, STREAMS } from './queues.ts';

export const TABLES = {
  orders: 'stg_qtickets_api_orders_raw',
  orderLines: 'stg_qtickets_api_order_lines',
  shows: 'stg_qtickets_api_shows',
  quarantine: 'quarantine',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

const rows = z.array(z.record(z.string(), z.unknown())).default([]);

/** Rows of one page for the batching writer, plus what the run tracker needs once they are confirmed. */
export const writeJob = defineJob({
  queue: QUEUES.write,
  schema: z.object({
    runId: z.string(),
    stream: z.enum(STREAMS),
    source: z.string(),
    /** Rows per table; a stream fills only its own tables. */
    rows: z.object({
      [TABLES.orders]: rows,
      [TABLES.orderLines]: rows,
      [TABLES.shows]: rows,
      [TABLES.quarantine]: rows,
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
  }),
  jobId: (p) => `${p.runId}|${p.source}|w`,
  retry: { attempts: 10, backoffMs: 2_000, jitter: 1 },
});

export type WritePayload = z.output<typeof writeJob.schema>;

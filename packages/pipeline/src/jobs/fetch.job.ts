import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { QUEUES, STREAMS } from './queues.ts';

const condition = z.object({ column: z.string(), operator: z.string().optional(), value: z.unknown().optional() });

/** Discovery: reads the current paging of the stream, decides which pages this run needs, fans them out. */
export const discoverPayload = z.object({
  kind: z.literal('discover'),
  runId: z.string(),
  stream: z.enum(STREAMS),
  mode: z.enum(['incremental', 'reconcile', 'backfill']),
  /** Backfill only: orders created in [from, to). */
  window: z.object({ from: z.string(), to: z.string() }).optional(),
  /** Highest order id already loaded (0 = nothing yet) and the list position it had (paging.total then). */
  highWaterId: z.number().int().nonnegative(),
  highWaterPosition: z.number().int().nonnegative(),
  /** Changed orders: re-read everything updated at or after this instant (watermark − look-back). */
  changedSince: z.string().nullable(),
  /** Where the fallback tail walk for changed orders starts (list position of the first order in the look-back). */
  changedFallbackPosition: z.number().int().nonnegative(),
});

/** One page of one query of one endpoint: a failing page retries alone. */
export const pagePayload = z.object({
  kind: z.literal('page'),
  runId: z.string(),
  stream: z.enum(STREAMS),
  /** new: filtered to ids above the high-water id; changed: filtered to updated since; list: unfiltered id-ascending. */
  query: z.enum(['new', 'changed', 'window', 'list']),
  page: z.number().int().positive(),
  where: z.array(condition).optional(),
  orderBy: z.record(z.string(), z.enum(['asc', 'desc'])).optional(),
  /**
   * Tail walk of an unfiltered list: if every id on this page is above this one, the page before may hold orders we
   * have not seen (the list shifted), so it is fetched too.
   */
  stopBelowId: z.number().int().nonnegative().optional(),
});

export const fetchJob = defineJob({
  queue: QUEUES.fetch,
  schema: z.discriminatedUnion('kind', [discoverPayload, pagePayload]),
  jobId: (p) => (p.kind === 'discover' ? `${p.runId}|discover` : `${p.runId}|${p.query}|p${p.page}`),
  retry: { attempts: 8, backoffMs: 2_000, jitter: 1 },
});

export type DiscoverPayload = z.output<typeof discoverPayload>;
export type PagePayload = z.output<typeof pagePayload>;
export type FetchPayload = DiscoverPayload | PagePayload;

/** The key of a page within a run, used by the next stages' job ids and the run tracker. */
export const pageSource = (p: PagePayload) => `${p.query}|p${p.page}`;

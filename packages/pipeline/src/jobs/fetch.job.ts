import { defineJob } from '@qtp/shared';
import { z } from 'zod';
import { STREAMS } from '../streams/registry.ts';
import { QUEUES } from './queues.ts';

const condition = z.object({ column: z.string(), operator: z.string().optional(), value: z.unknown().optional() });
const modes = z.enum(['incremental', 'reconcile', 'backfill']);

/** Discovery: reads the current paging of the stream's list, asks its sync strategy which pages to read, fans out. */
export const discoverPayload = z.object({
  kind: z.literal('discover'),
  runId: z.string(),
  stream: z.enum(STREAMS),
  mode: modes,
  /** Backfill only: records created in [from, to). */
  window: z.object({ from: z.string(), to: z.string() }).optional(),
  /** What the stream's sync strategy prepared from its durable state (its own schema checks it). */
  params: z.record(z.string(), z.unknown()).default({}),
});

/** One page of one query of one endpoint: a failing page retries alone. */
export const pagePayload = z.object({
  kind: z.literal('page'),
  runId: z.string(),
  stream: z.enum(STREAMS),
  /** Which of its sync strategy's queries (e.g. orders: new, changed, window, list): part of the page's source id. */
  query: z.string().regex(/^[a-z]+$/),
  page: z.number().int().positive(),
  where: z.array(condition).optional(),
  orderBy: z.record(z.string(), z.enum(['asc', 'desc'])).optional(),
  /** Opaque to the stages: handed back to the sync strategy's `afterPage` (e.g. orders: the tail walk's stop id). */
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

/** One parent of a per-parent source (e.g. one show's seats): a failing parent retries alone. */
export const itemPayload = z.object({
  kind: z.literal('item'),
  runId: z.string(),
  stream: z.enum(STREAMS),
  key: z.string().regex(/^[A-Za-z0-9_.|-]+$/),
  parent: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** A webhook change (a refetch by id): when the receiver took the delivery, for change → row latency. */
  receivedAtMs: z.number().int().nonnegative().optional(),
});

export const fetchJob = defineJob({
  queue: QUEUES.fetch,
  schema: z.discriminatedUnion('kind', [discoverPayload, pagePayload, itemPayload]),
  jobId: (p) => (p.kind === 'discover' ? `${p.runId}|discover` : `${p.runId}|${unitSource(p)}`),
  retry: { attempts: 8, backoffMs: 2_000, jitter: 1 },
});

export type DiscoverPayload = z.output<typeof discoverPayload>;
export type PagePayload = z.output<typeof pagePayload>;
export type ItemPayload = z.output<typeof itemPayload>;
export type FetchPayload = DiscoverPayload | PagePayload | ItemPayload;

/** The key of a page or item within a run, used by the next stages' job ids and the run tracker. */
export const pageSource = (p: PagePayload) => `${p.query}|p${p.page}`;
export const unitSource = (p: PagePayload | ItemPayload) => (p.kind === 'page' ? pageSource(p) : `i|${p.key}`);

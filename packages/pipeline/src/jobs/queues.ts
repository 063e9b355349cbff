/** Queue names: one job definition per queue (see jobs/*.job.ts). */
export const QUEUES = {
  plan: 'plan',
  fetch: 'fetch',
  transform: 'transform',
  write: 'write',
} as const;

/** Streams: orders (incremental by high-water id and watermark) and events (a full walk: a few hundred rows). */
export const STREAMS = ['orders', 'events'] as const;
export type StreamName = (typeof STREAMS)[number];
export type RunMode = 'incremental' | 'reconcile' | 'backfill';

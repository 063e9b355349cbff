/** Queue names: one job definition per queue (see jobs/*.job.ts). */
export const QUEUES = {
  plan: 'plan',
  fetch: 'fetch',
  transform: 'transform',
  write: 'write',
  /** Replay slices: read from the raw landing by the scheduler, handed to the transformer like fetched pages. */
  replay: 'replay',
} as const;

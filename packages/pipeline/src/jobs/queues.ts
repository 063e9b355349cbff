/** Queue names: one job definition per queue (see jobs/*.job.ts). */
export const QUEUES = {
  plan: 'plan',
  fetch: 'fetch',
  transform: 'transform',
  write: 'write',
} as const;

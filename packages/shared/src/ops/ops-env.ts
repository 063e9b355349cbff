import { z } from 'zod';
import { intFromEnv } from '../config/common.schema.ts';

/** Default ops ports (health, readiness, metrics) per process: the docker-compose healthchecks rely on these. */
export const METRICS_PORTS = { scheduler: 9101, fetcher: 9102, transformer: 9103, writer: 9104, webhooks: 9105 } as const;

/**
 * METRICS_HOST / METRICS_PORT of one process. METRICS_PORT=0 takes a free port (the bound address is logged): for
 * tests and `pnpm start`, which run many processes on one host.
 */
export const opsEnv = (defaultPort: number) => ({
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: intFromEnv(0, 65535).default(defaultPort),
});

export type OpsSettings = { METRICS_HOST: string; METRICS_PORT: number };

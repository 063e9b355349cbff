import { type JobsOptions, type Queue, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

export type RetryPolicy = {
  /** Total tries, the first included. */
  attempts: number;
  /** Base of the exponential backoff. */
  backoffMs: number;
  /** 0..1: share of each delay that is randomised (full jitter = 1). */
  jitter: number;
};

export type Retention = {
  completed: { count: number; ageSeconds: number };
  failed: { count: number; ageSeconds: number };
};

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  /** Queue name; one definition per queue. */
  readonly queue: string;
  readonly schema: S;
  /** Business-key id (no `:`): enqueuing the same work twice is a no-op while the first is retained. */
  readonly jobId: (payload: z.output<S>) => string;
  readonly retry: RetryPolicy;
  readonly retention: Retention;
  /** Upper bound for one job's serialised data; job data is meant to stay small (design note 2). */
  readonly maxPayloadBytes: number;
};

export type Payload<D extends JobDefinition> = z.output<D['schema']>;

const JOB_ID = /^[A-Za-z0-9_.|=+,@#-]+$/;

export const DEFAULT_RETENTION: Retention = {
  completed: { count: 2_000, ageSeconds: 24 * 3600 },
  failed: { count: 10_000, ageSeconds: 14 * 24 * 3600 },
};

export function defineJob<S extends z.ZodType>(def: {
  queue: string;
  schema: S;
  jobId: (payload: z.output<S>) => string;
  retry?: Partial<RetryPolicy>;
  retention?: Retention;
  maxPayloadBytes?: number;
}): JobDefinition<S> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.queue)) throw new Error(`queue name "${def.queue}" must be kebab-case`);
  return Object.freeze({
    queue: def.queue,
    schema: def.schema,
    jobId: def.jobId,
    retry: { attempts: 8, backoffMs: 2_000, jitter: 1, ...def.retry },
    retention: def.retention ?? DEFAULT_RETENTION,
    maxPayloadBytes: def.maxPayloadBytes ?? 256 * 1024,
  });
}

export class PayloadError extends Error {
  constructor(queue: string, detail: string) {
    super(`invalid ${queue} payload: ${detail}`);
    this.name = 'PayloadError';
  }
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates a payload against its definition (used when enqueuing and again when processing). */
export function parsePayload<S extends z.ZodType>(def: JobDefinition<S>, data: unknown): z.output<S> {
  const parsed = def.schema.safeParse(data);
  if (!parsed.success) throw new PayloadError(def.queue, describe(parsed.error));
  return parsed.data;
}

export function buildJobId<S extends z.ZodType>(def: JobDefinition<S>, payload: z.output<S>): string {
  const id = def.jobId(payload);
  if (!JOB_ID.test(id)) throw new Error(`job id "${id}" of ${def.queue} has characters BullMQ ids must not have (e.g. ':')`);
  return id;
}

export function jobOptions(def: JobDefinition, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: def.retry.attempts,
    backoff: { type: 'exponential', delay: def.retry.backoffMs, jitter: def.retry.jitter },
    removeOnComplete: { count: def.retention.completed.count, age: def.retention.completed.ageSeconds },
    removeOnFail: { count: def.retention.failed.count, age: def.retention.failed.ageSeconds },
  };
}

/** Validates and enqueues; returns the job id (an existing job with that id makes this a no-op). */
export async function enqueue<S extends z.ZodType>(
  queue: Queue,
  def: JobDefinition<S>,
  payload: z.input<S>,
  extra: Pick<JobsOptions, 'delay' | 'priority' | 'attempts' | 'backoff'> = {},
): Promise<string> {
  if (queue.name !== def.queue) throw new Error(`queue ${queue.name} cannot take ${def.queue} jobs`);
  const data = parsePayload(def, payload);
  const size = Buffer.byteLength(JSON.stringify(data));
  if (size > def.maxPayloadBytes) {
    throw new UnrecoverableError(`${def.queue} payload of ${size} bytes exceeds ${def.maxPayloadBytes}`);
  }
  const jobId = buildJobId(def, data);
  await queue.add(def.queue, data, { ...jobOptions(def, jobId), ...extra });
  return jobId;
}

/** Many payloads in one round trip (a page fan-out). */
export async function enqueueMany<S extends z.ZodType>(
  queue: Queue,
  def: JobDefinition<S>,
  payloads: z.input<S>[],
  extra: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'> = {},
): Promise<string[]> {
  const jobs = payloads.map((p) => {
    const data = parsePayload(def, p);
    const size = Buffer.byteLength(JSON.stringify(data));
    if (size > def.maxPayloadBytes) throw new UnrecoverableError(`${def.queue} payload of ${size} bytes exceeds ${def.maxPayloadBytes}`);
    const jobId = buildJobId(def, data);
    return { name: def.queue, data, opts: { ...jobOptions(def, jobId), ...extra } };
  });
  if (jobs.length > 0) await queue.addBulk(jobs);
  return jobs.map((j) => j.opts.jobId as string);
}

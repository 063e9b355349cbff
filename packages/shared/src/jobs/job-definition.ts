import { type JobsOptions, type Queue, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { type ClaimCheck, type ClaimCodec, encodeClaim, storeClaim } from './claim-check.ts';

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
  /**
   * Large payloads: this field travels by claim check (stored once in Redis, the job carries its key; see
   * claim-check.ts). It is validated when enqueued — where it enters the queue — and trusted when processed.
   */
  readonly claimCheck: ClaimCheck | null;
  /** What a worker validates: the whole schema, or without the claim-checked field. */
  readonly processSchema: z.ZodType;
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
  /** The name of a top-level field of an object schema to carry by claim check. */
  claimCheck?: string;
  /** How the claimed field is stored (default: as it is, JSON). */
  claimCodec?: ClaimCodec;
}): JobDefinition<S> {
  if (!/^[a-z][a-z0-9-]*$/.test(def.queue)) throw new Error(`queue name "${def.queue}" must be kebab-case`);
  const retention = def.retention ?? DEFAULT_RETENTION;
  let processSchema: z.ZodType = def.schema;
  if (def.claimCheck !== undefined) {
    if (!(def.schema instanceof z.ZodObject) || !(def.claimCheck in def.schema.shape)) {
      throw new Error(`${def.queue}: claimCheck "${def.claimCheck}" must be a field of an object schema`);
    }
    processSchema = (def.schema as z.ZodObject).omit({ [def.claimCheck]: true } as Record<string, true>);
  }
  return Object.freeze({
    queue: def.queue,
    schema: def.schema,
    jobId: def.jobId,
    retry: { attempts: 8, backoffMs: 2_000, jitter: 1, ...def.retry },
    retention,
    maxPayloadBytes: def.maxPayloadBytes ?? 256 * 1024,
    // A failed job keeps its claim as long as failed jobs are kept.
    claimCheck: def.claimCheck === undefined ? null : { field: def.claimCheck, ttlSeconds: retention.failed.ageSeconds, codec: def.claimCodec ?? null },
    processSchema,
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

/** Validates a payload against its definition (when enqueuing; `schema` = processSchema when processing). */
export function parsePayload<S extends z.ZodType>(def: JobDefinition<S>, data: unknown, schema: z.ZodType = def.schema): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new PayloadError(def.queue, describe(parsed.error));
  return parsed.data as z.output<S>;
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
  const jobId = buildJobId(def, data);
  const check = def.claimCheck;
  // Serialised once: the size check measures what goes to Redis.
  const bulk = check ? (data as Record<string, unknown>)[check.field] : undefined;
  const body = check ? encodeClaim(check, bulk) : JSON.stringify(data);
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > def.maxPayloadBytes) {
    throw new UnrecoverableError(`${def.queue} payload of ${size} bytes exceeds ${def.maxPayloadBytes}`);
  }
  const stored = check ? await storeClaim(queue, check, jobId, data as Record<string, unknown>, body) : data;
  await queue.add(def.queue, stored, { ...jobOptions(def, jobId), ...extra });
  return jobId;
}

/** Many payloads in one round trip (a page fan-out). */
export async function enqueueMany<S extends z.ZodType>(
  queue: Queue,
  def: JobDefinition<S>,
  payloads: z.input<S>[],
  extra: Pick<JobsOptions, 'priority' | 'attempts' | 'backoff'> = {},
): Promise<string[]> {
  if (def.claimCheck) throw new Error(`${def.queue} carries its payload by claim check: enqueue its jobs one by one`);
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

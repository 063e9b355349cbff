import { randomBytes } from 'node:crypto';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Claim check for large payloads: the bulky field of a job (a page's records, a page's rows) is stored once in Redis
 * as one plain string under its own key, and the job carries only that key. BullMQ then moves a few hundred bytes per
 * job through its scripts instead of ~100 KB (no JSON-in-hash copy when taken, retained or finished), and completed
 * jobs keep no payload (the claim is deleted once the job completed).
 *
 * Guarantees: the claim is written before the job is added, so a job never exists without its claim; a crash between
 * the two leaves an orphan claim that expires (TTL), never a job without data. A claim is deleted only after its job
 * completed; a failed job keeps its claim as long as failed jobs are retained, so it can be retried by hand.
 */

/** The field of job data holding the claim's key. */
export const CLAIM_FIELD = '_claim';

/**
 * How the claimed field is stored: `encode` gives the stored body (e.g. rows as insert-ready lines), `decode` takes it
 * back as the bytes Redis returns; decode(Buffer.from(encode(v))) ≡ v. Without a codec the field is stored as JSON.
 */
export type ClaimCodec = { encode: (value: never) => string | Buffer; decode: (stored: Buffer) => unknown };

/** The stored body of a claimed field. */
export const encodeClaim = (check: ClaimCheck, value: unknown): string | Buffer => (check.codec ? check.codec.encode(value as never) : JSON.stringify(value));

export type ClaimCheck = { field: string; ttlSeconds: number; codec: ClaimCodec | null };

const connections = new WeakMap<Queue, Redis>();

/** createQueue records the connection of each queue it makes: claims go through it. */
export function registerQueueConnection(queue: Queue, redis: Redis): void {
  connections.set(queue, redis);
}

function connectionOf(queue: Queue): Redis {
  const redis = connections.get(queue);
  if (!redis) throw new Error(`queue ${queue.name} was not made by createQueue: it cannot store claim checks`);
  return redis;
}

export function claimKey(queue: Queue, jobId: string): string {
  // A nonce per enqueue: a duplicate enqueue (a no-op for BullMQ) never overwrites the claim of the job it duplicates.
  return `${queue.opts.prefix ?? 'bull'}:${queue.name}:claim:${jobId}:${randomBytes(6).toString('base64url')}`;
}

/** Stores `body` (the serialised field) and returns the job data that points at it. */
export async function storeClaim(
  queue: Queue,
  check: ClaimCheck,
  jobId: string,
  data: Record<string, unknown>,
  body: string | Buffer,
): Promise<Record<string, unknown>> {
  const key = claimKey(queue, jobId);
  const client = connectionOf(queue);
  await client.set(key, body, 'EX', check.ttlSeconds);
  const { [check.field]: _bulk, ...rest } = data;
  return { ...rest, [CLAIM_FIELD]: key };
}

/** The job's data with its claimed field read back (job data without a claim is returned as it is). */
export async function loadClaim(redis: Redis, check: ClaimCheck, data: unknown): Promise<{ envelope: Record<string, unknown>; bulk: unknown | undefined }> {
  const d = (data ?? {}) as Record<string, unknown>;
  const key = d[CLAIM_FIELD];
  if (typeof key !== 'string') return { envelope: d, bulk: undefined };
  const body = await redis.getBuffer(key);
  if (body === null) throw new UnrecoverableError(`the payload of this job (claim ${key}) is gone from Redis`);
  const { [CLAIM_FIELD]: _key, ...envelope } = d;
  return { envelope, bulk: check.codec ? check.codec.decode(body) : (JSON.parse(body.toString('utf8')) as unknown) };
}

/** After completion: the claim is no longer needed (best effort; its TTL removes it otherwise). */
export async function dropClaim(redis: Redis, job: Job): Promise<void> {
  const key = (job.data as Record<string, unknown> | undefined)?.[CLAIM_FIELD];
  if (typeof key === 'string') await redis.del(key);
}

/**
 * Adds a copy of an existing job under another id, its claim copied too (tests deliver the same page twice with it;
 * an operator can re-run a job by hand).
 */
export async function redeliver(queue: Queue, job: Job, jobId: string): Promise<void> {
  const data = { ...(job.data as Record<string, unknown>) };
  const key = data[CLAIM_FIELD];
  if (typeof key === 'string') {
    const client = connectionOf(queue);
    const body = await client.getBuffer(key);
    if (body === null) throw new Error(`job ${job.id}: its claim ${key} is gone (completed jobs drop theirs)`);
    const copy = claimKey(queue, jobId);
    const ttl = await client.ttl(key);
    await client.set(copy, body, 'EX', ttl > 0 ? ttl : 24 * 3600);
    data[CLAIM_FIELD] = copy;
  }
  await queue.add(queue.name, data, { ...job.opts, jobId });
}

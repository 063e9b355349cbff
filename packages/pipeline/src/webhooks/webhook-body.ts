import { createHash } from 'node:crypto';
import { parseApiJson } from '@qtp/qtickets-client';
import { instantMs } from '../common/moscow-time.ts';
import { isObject } from '../common/pick.ts';
import type { StreamDefinition } from '../streams/stream.ts';

/**
 * One change taken from a delivery, as it waits in the change buffer (Redis) for the drainer: never the body as
 * received. `record` is the body after the stream's allow-list (the PII boundary); the drainer validates it and uses
 * it, or refetches the record by id. `version` identifies the change (its updated_at, or a hash of the body when it
 * has none), so that redeliveries of one change are taken once.
 */
export type BufferedChange = {
  stream: string;
  event: string;
  id: number;
  version: string;
  receivedAtMs: number;
  /** The record after the stream's allow-list (not yet validated). */
  record: unknown;
};

/** A buffered change's record checked as a fetched one would be: usable (with its version), or why not. */
export type CheckedChange = BufferedChange & { updatedAtMs?: number; reason?: string };

const asId = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

/**
 * The record a webhook body carries. Contract §9 says the body is the order object (§7.1 plus webhook-only fields),
 * but that is DOC and was never observed, so both readings are taken: the bare object, or the object wrapped in
 * `data` as `GET /orders/{id}` answers (§4.2). Null when neither holds a usable id.
 */
export function recordOfBody(rawBody: Buffer): { id: number; record: Record<string, unknown>; wrapped: boolean } | null {
  let body: unknown;
  try {
    // As the client parses API bodies: money stays exact (a fractional number becomes its source text).
    body = parseApiJson(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(body)) return null;
  const bare = asId(body.id);
  if (bare !== null) return { id: bare, record: body, wrapped: false };
  if (isObject(body.data)) {
    const inner = asId(body.data.id);
    if (inner !== null) return { id: inner, record: body.data, wrapped: true };
  }
  return null;
}

/** The version key of a change: its updated_at in epoch ms, else a hash of the body (redeliveries are byte-identical). */
function versionKey(record: Record<string, unknown>, rawBody: Buffer): string {
  const u = record.updated_at;
  const ms = typeof u === 'string' ? instantMs(u) : null;
  if (ms !== null && ms > 0) return String(ms);
  return `h${createHash('sha1').update(rawBody).digest('hex').slice(0, 16)}`;
}

/**
 * Pure: a signed delivery's body → the change to buffer, or null (no usable id). The body goes through the stream's
 * `sanitize`, the same allow-list as the fetcher's: nothing else of it is kept.
 */
export function changeOfDelivery(
  stream: StreamDefinition,
  rawBody: Buffer,
  o: { event: string; piiSalt: string; receivedAtMs: number },
): BufferedChange | null {
  const found = recordOfBody(rawBody);
  if (!found) return null;
  const record = stream.sanitize(found.record, { piiSalt: o.piiSalt });
  return { stream: stream.name, event: o.event, id: found.id, version: versionKey(found.record, rawBody), receivedAtMs: o.receivedAtMs, record };
}

/**
 * Pure: validates a buffered record with the stream's `transform` (the same validation as a fetched record). Only a
 * record that passes, is the record the delivery named, and has an updated_at is usable.
 */
export function checkChange(stream: StreamDefinition, c: BufferedChange): CheckedChange {
  const result = stream.transform(c.record, { fetchedAt: new Date(c.receivedAtMs).toISOString(), runId: 'webhook' });
  if (result.kind !== 'rows') return { ...c, reason: `body does not validate (${result.reason.slice(0, 200)})` };
  if (result.id !== c.id) return { ...c, reason: 'body names another record' };
  const u = (c.record as { updated_at?: unknown } | null)?.updated_at;
  const updatedAtMs = result.updatedAtMs ?? (typeof u === 'string' ? instantMs(u) : null);
  if (updatedAtMs === null || updatedAtMs === undefined || updatedAtMs <= 0) return { ...c, reason: 'body has no updated_at' };
  return { ...c, updatedAtMs };
}

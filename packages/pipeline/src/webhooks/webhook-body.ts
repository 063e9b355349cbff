import { createHash } from 'node:crypto';
import { parseApiJson } from '@qtp/qtickets-client';
import { instantMs } from '../common/moscow-time.ts';
import { isObject } from '../common/pick.ts';
import type { StreamDefinition } from '../streams/stream.ts';

/**
 * One change taken from a delivery, as it waits in the change buffer (Redis) for the drainer: never the body as
 * received. `record` is the body after the stream's allow-list (the PII boundary), present only when it passed the
 * stream's validation; `version` identifies the change (its updated_at, or a hash of the body when it has none), so
 * that redeliveries of one change are taken once.
 */
export type BufferedChange = {
  stream: string;
  event: string;
  id: number;
  version: string;
  receivedAtMs: number;
  /** The sanitized, valid record; absent when the body is not usable and the record is refetched by id. */
  record?: unknown;
  /** The record's updated_at (epoch ms), compared with the latest version ClickHouse holds. */
  updatedAtMs?: number;
  /** Why the body is not used (for the log; holds no values). */
  reason?: string;
};

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

/** The version key of a change: digits of its updated_at, else a hash of the body (redeliveries are byte-identical). */
function versionKey(record: Record<string, unknown>, rawBody: Buffer): string {
  const u = record.updated_at;
  if (typeof u === 'string' && /\d/.test(u)) return u.replace(/[^0-9]/g, '').slice(0, 20);
  return `h${createHash('sha1').update(rawBody).digest('hex').slice(0, 16)}`;
}

/**
 * Pure: a signed delivery's body → the change to buffer, or null (no usable id). The body goes through the stream's
 * `sanitize` (the same allow-list as the fetcher's) and its `transform` (the same validation as a fetched record);
 * only a record that passes, and is the same record the body names, is kept, else the change is a refetch by id.
 */
export function changeOfDelivery(
  stream: StreamDefinition,
  rawBody: Buffer,
  o: { event: string; piiSalt: string; receivedAtMs: number },
): BufferedChange | null {
  const found = recordOfBody(rawBody);
  if (!found) return null;
  const base = { stream: stream.name, event: o.event, id: found.id, version: versionKey(found.record, rawBody), receivedAtMs: o.receivedAtMs };
  const sanitized = stream.sanitize(found.record, { piiSalt: o.piiSalt });
  const result = stream.transform(sanitized, { fetchedAt: new Date(o.receivedAtMs).toISOString(), runId: 'webhook' });
  if (result.kind !== 'rows') return { ...base, reason: `body does not validate (${result.reason.slice(0, 200)})` };
  if (result.id !== found.id) return { ...base, reason: 'body names another record' };
  const updatedAtMs = result.updatedAtMs ?? (typeof found.record.updated_at === 'string' ? instantMs(found.record.updated_at) : null);
  if (updatedAtMs === null || updatedAtMs === undefined || updatedAtMs <= 0) return { ...base, reason: 'body has no updated_at' };
  return { ...base, version: String(updatedAtMs), record: sanitized, updatedAtMs };
}

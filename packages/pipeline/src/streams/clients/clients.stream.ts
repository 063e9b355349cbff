import { z } from 'zod';
import { hashClientId } from '../../common/client-hash.ts';
import { isObject } from '../../common/pick.ts';
import { quarantined } from '../../common/quarantine.ts';
import { instantSchema } from '../../common/values.schema.ts';
import { defineStream, type RecordResult, type TransformContext } from '../stream.ts';
import { fullRefreshSync } from '../sync/full-refresh.sync.ts';
import { refreshColumns, utcOrNull } from '../sync/refresh-row.ts';

export const CLIENTS_TABLE = 'stg_qtickets_api_clients';

/**
 * A client is all personal data (contract §7.3): id, e-mail, name, phone, social ids. Only the salted hash of the id
 * (the same `client_hash` as on orders, so buyers can be counted and joined) and a creation time, if the API ever
 * sends one, leave the fetcher.
 */
export function sanitizeClient(raw: unknown, piiSalt: string): Record<string, unknown> {
  if (!isObject(raw)) return { _malformed: typeof raw };
  const id = raw.id;
  const out: Record<string, unknown> = {};
  if (typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id))) out.client_hash = hashClientId(piiSalt, id);
  else out._missing = 'id';
  if ('created_at' in raw) out.created_at = raw.created_at;
  if ('deleted_at' in raw) out.deleted_at = raw.deleted_at;
  return out;
}

const clientSchema = z.object({
  client_hash: z.string().regex(/^[0-9a-f]{32}$/, 'client id missing or not numeric'),
  created_at: instantSchema.nullish(),
  deleted_at: instantSchema.nullish(),
});

export function transformClient(raw: unknown, ctx: TransformContext): RecordResult {
  const parsed = clientSchema.safeParse(raw);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const c = parsed.data;
  const row = {
    client_hash: c.client_hash,
    created_at: utcOrNull(c.created_at),
    deleted_at: utcOrNull(c.deleted_at),
    ...refreshColumns(ctx, c.deleted_at ?? null),
  };
  return { kind: 'rows', rows: { [CLIENTS_TABLE]: [row] } };
}

/** Buyers, PII-free: a full refresh a day (≈ 930 pages for a 93,000-client tenant, about 3 minutes at 5 requests/s). */
export const clientsStream = defineStream({
  name: 'clients',
  source: { kind: 'list', resource: 'clients' },
  sync: fullRefreshSync(),
  schedules: [{ id: 'clients-refresh', mode: 'reconcile', env: 'SCHEDULE_CLIENTS', pattern: '40 4 * * *' }],
  priority: 5,
  raw: { mode: 'latest', key: (record) => String((record as { client_hash?: unknown }).client_hash ?? '') },
  tables: [{ name: CLIENTS_TABLE, key: ['client_hash'], version: '_ver', refresh: { deletedColumn: 'is_deleted', deletedValue: 1 } }],
  sanitize: (raw, { piiSalt }) => sanitizeClient(raw, piiSalt),
  transform: transformClient,
});

import { createHash } from 'node:crypto';
import type { z } from 'zod';

/** Where records that failed validation go (migration 0003), for every stream. */
export const QUARANTINE_TABLE = 'quarantine';

/** A record that failed validation: filed under its key with the reason and its (PII-free) content. */
export type TransformFailure = { kind: 'quarantine'; recordKey: string; reason: string; raw: string };

const MAX_RAW = 64 * 1024;

/** The key a bad record is filed under: its id when it has a usable one, else a hash of its content. */
export function recordKey(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  if (typeof id === 'string' && /^\d+$/.test(id)) return id;
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(raw) ?? 'undefined')
    .digest('hex')
    .slice(0, 32)}`;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`)
    .join('; ');
}

export function quarantined(raw: unknown, reason: string | z.ZodError): TransformFailure {
  return {
    kind: 'quarantine',
    recordKey: recordKey(raw),
    reason: typeof reason === 'string' ? reason : describe(reason),
    raw: (JSON.stringify(raw) ?? 'undefined').slice(0, MAX_RAW),
  };
}

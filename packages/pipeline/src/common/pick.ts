/** Allow-list helpers: copy only the listed keys of a record. */
export type SanitizedRecord = Record<string, unknown>;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function pick(src: Record<string, unknown>, fields: readonly string[]): SanitizedRecord {
  const out: SanitizedRecord = {};
  for (const f of fields) if (f in src) out[f] = src[f];
  return out;
}

/** The allow-list of a flat record: its listed keys, or a marker for something that is not a record at all. */
export function allowList(raw: unknown, fields: readonly string[]): SanitizedRecord {
  return isObject(raw) ? pick(raw, fields) : { _malformed: typeof raw };
}

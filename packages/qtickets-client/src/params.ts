/** How list/seat parameters travel (contract §3.2): a JSON body on GET (vendor form, default) or JSON in the query. */

export type FilterEncoding = 'body' | 'query';

export type RequestParams = Record<string, unknown>;

/** Drops undefined entries; returns undefined when nothing is left (the request then carries no parameters at all). */
export function compactParams(params: RequestParams | undefined): RequestParams | undefined {
  if (!params) return undefined;
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * The query-string form: `?where=<json>&orderBy=<json>&page=N`. Values are JSON-encoded (numbers and booleans as-is)
 * and percent-encoded with encodeURIComponent, so a `+` in a timestamp offset travels as `%2B` (a raw `+` decodes to a space).
 */
export function encodeQuery(params: RequestParams): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([key, value]) => {
      const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
      return `${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
    })
    .join('&');
}

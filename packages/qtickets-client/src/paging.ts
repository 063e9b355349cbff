/** The list envelope of contract §4.1: `{data: [...], paging: {perPage, currentPage, total}}` — no meta/has_next. */
import { isJsonRecord, type JsonRecord, type JsonValue } from './json.ts';

export type Paging = { perPage: number; currentPage: number; total: number };

export type ListResource = 'orders' | 'events' | 'clients' | 'discounts' | 'promo-codes';

export const LIST_RESOURCES: readonly ListResource[] = ['orders', 'events', 'clients', 'discounts', 'promo-codes'];

export type ListPage = {
  data: JsonRecord[];
  paging: Paging;
  /** max(1, ceil(total / perPage)) */
  lastPage: number;
  /** currentPage < lastPage */
  hasNext: boolean;
};

/** lastPage = max(1, ceil(total / perPage)) (§4.1). */
export function computeLastPage(paging: Pick<Paging, 'perPage' | 'total'>): number {
  if (paging.perPage <= 0) return 1;
  return Math.max(1, Math.ceil(paging.total / paging.perPage));
}

export function hasNextPage(paging: Paging): boolean {
  return paging.currentPage < computeLastPage(paging);
}

function toCount(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** Validates and unpacks a list envelope; returns a reason string instead of throwing so the caller can build the error. */
export function readListEnvelope(body: JsonValue): ListPage | string {
  if (!isJsonRecord(body)) return 'list body is not an object';
  const { data, paging } = body;
  if (!Array.isArray(data)) return 'list body has no data array';
  if (!isJsonRecord(paging)) return 'list body has no paging block';
  const perPage = toCount(paging['perPage']);
  const currentPage = toCount(paging['currentPage']);
  const total = toCount(paging['total']);
  if (perPage === undefined || currentPage === undefined || total === undefined) return 'paging block lacks perPage/currentPage/total';
  if (perPage < 1 || currentPage < 1) return 'paging block has perPage/currentPage < 1';
  if (!data.every(isJsonRecord)) return 'list data holds non-object rows';
  const normalised: Paging = { perPage, currentPage, total };
  const lastPage = computeLastPage(normalised);
  return { data: data as JsonRecord[], paging: normalised, lastPage, hasNext: currentPage < lastPage };
}

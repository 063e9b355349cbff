/** A scripted list endpoint over an in-memory id set: honours `page` (body or query), with hooks to inject faults. */
import type { RecordedRequest, Reply } from './http-server.ts';

export type Row = { id: number; [key: string]: unknown };

export type ListState = {
  rows: Row[];
  perPage: number;
  /** Which parameter encodings the server understands. */
  understands: { body: boolean; query: boolean };
  /** Called per request with the decoded page and the per-page occurrence count (1 = first time); may replace the reply. */
  hook?: (page: number, occurrence: number, state: ListState) => Reply | undefined;
};

export function requestedParams(request: RecordedRequest, understands: ListState['understands']): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (understands.body && request.body) Object.assign(params, JSON.parse(request.body) as Record<string, unknown>);
  if (understands.query) {
    for (const [key, value] of request.query) params[key] = key === 'page' ? Number(value) : JSON.parse(value);
  }
  return params;
}

export function pageReply(state: ListState, page: number, rows = state.rows): Reply {
  const start = (page - 1) * state.perPage;
  return { status: 200, json: { data: rows.slice(start, start + state.perPage), paging: { perPage: state.perPage, currentPage: page, total: rows.length } } };
}

export function listHandler(state: ListState): (request: RecordedRequest) => Reply {
  const seen = new Map<number, number>();
  return (request) => {
    const params = requestedParams(request, state.understands);
    const page = typeof params['page'] === 'number' ? params['page'] : 1;
    const occurrence = (seen.get(page) ?? 0) + 1;
    seen.set(page, occurrence);
    return state.hook?.(page, occurrence, state) ?? pageReply(state, page);
  };
}

export const idsFrom = (from: number, count: number, step = 1): Row[] => Array.from({ length: count }, (_, i) => ({ id: from + i * step }));

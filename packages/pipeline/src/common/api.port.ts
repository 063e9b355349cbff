import type { ListResourceName } from '../streams/stream.ts';

/** What the fetch handlers need from the QTickets client (packages/qtickets-client implements it). */
export type Condition = { column: string; operator?: string; value?: unknown };
export type OrderBy = Record<string, 'asc' | 'desc'>;
export type ListPageResult = { data: unknown[]; paging: { perPage: number; currentPage: number; total: number }; lastPage: number };

export type QTicketsApi = {
  listPage(resource: ListResourceName, params: { page: number; where?: Condition[]; orderBy?: OrderBy }): Promise<ListPageResult>;
};

export type FilterVerifier = (rows: unknown[], where: Condition[]) => { honoured: boolean; violations: number };

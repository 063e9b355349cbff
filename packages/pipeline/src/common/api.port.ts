import type { ListResourceName, StreamSource, UnpagedResourceName } from '../streams/stream.ts';

/** What the fetch handlers need from the QTickets client (packages/qtickets-client implements it). */
export type Condition = { column: string; operator?: string; value?: unknown };
export type OrderBy = Record<string, 'asc' | 'desc'>;
export type ListPageResult = { data: unknown[]; paging: { perPage: number; currentPage: number; total: number }; lastPage: number };
export type PageParams = { page: number; where?: Condition[]; orderBy?: OrderBy };

export type QTicketsApi = {
  listPage(resource: ListResourceName, params: PageParams): Promise<ListPageResult>;
  listAll(resource: UnpagedResourceName): Promise<unknown[]>;
  /** `GET /orders/{id}` → the order record. */
  getOrder(id: number): Promise<unknown>;
  /** `GET /shows/{id}/seats`: the client tells the flat shape from the hierarchical one. */
  showSeats(showId: number, options: { flat?: boolean }): Promise<unknown>;
  /** `GET /shows/{id}/barcodes` with a `select` (never the holder-name fields). */
  showBarcodes(showId: number, select?: Array<'barcode' | 'admission' | 'price' | 'seat_name' | 'zone_name' | 'row' | 'place'>): Promise<unknown[]>;
  /** `GET /shows/{id}/barcode/{barcode}` → `{barcode, checked_at}`. */
  barcodeScan(showId: number, barcode: string): Promise<unknown>;
};

/**
 * What the partner streams need from the Partners API v1 client (§6; its own base URL and key). Optional: without a
 * partner key the fetcher has none and the partner streams are disabled.
 */
export type PartnersApi = {
  /** `tickets/find/{event_id}/{show_id}` without a filter: every partner ticket of the show, raw (holder fields included). */
  showTickets(eventId: number, showId: number): Promise<unknown[]>;
};

export type FilterVerifier = (rows: unknown[], where: Condition[]) => { honoured: boolean; violations: number };

/** One page of a stream's source: a page of a paged list, or the whole of an unpaged one as its only page. */
export async function readPage(api: QTicketsApi, source: StreamSource, params: PageParams): Promise<ListPageResult> {
  if (source.kind === 'list') return api.listPage(source.resource, params);
  if (source.kind === 'per-parent') throw new Error(`${source.endpoint} is read per parent, not by pages`);
  const data = await api.listAll(source.resource);
  return { data, paging: { perPage: Math.max(1, data.length), currentPage: 1, total: data.length }, lastPage: 1 };
}

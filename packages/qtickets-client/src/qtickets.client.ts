/**
 * The QTickets REST v1 client (read-only). GET only — never POST (POST /orders is the create route, §3.2/Q3) and
 * never the write endpoints of §5.12. List parameters travel as a JSON body on GET by default, as JSON in the query
 * string optionally (§3.2). The token lives only inside the transport closure: nothing serialisable from this object,
 * its errors or its log lines contains it.
 */
import { createLogger, type Logger } from '@qtp/shared';
import { InvalidResponseError } from './errors.ts';
import { createTransport, type HttpRequest, joinPath, normaliseBaseUrl, type Timeouts } from './http-transport.ts';
import { isJsonRecord, type JsonRecord, type JsonValue } from './json.ts';
import { LIST_RESOURCES, type ListPage, type ListResource, readListEnvelope } from './paging.ts';
import { compactParams, type FilterEncoding, type RequestParams } from './params.ts';
import { type LoopDeps, type RequestObserver, realSleep, sendWithRetry } from './request-loop.ts';
import { interpretRestResponse } from './responses.ts';
import { type RetryOptions, resolveRetryOptions } from './retry-policy.ts';
import { type Barcode, type BarcodeField, type BarcodeScan, barcodeListSchema, barcodeScanSchema } from './schemas/barcodes.schema.ts';
import { type ColorTheme, colorThemeSchema } from './schemas/color-themes.schema.ts';
import { type ShowSeats, showSeatsSchema } from './schemas/seats.schema.ts';
import { scrubSecret, tokenFingerprint } from './token.ts';
import { DEFAULT_USER_AGENT } from './version.ts';
import { type IdOrder, type WalkPage, walkPages, walkTailPages } from './walker.ts';
import { assertWhere, type OrderBy, verifyFilter, type Where } from './where.ts';

export const DEFAULT_BASE_URL = 'https://qtickets.ru/api/rest/v1';

export type QTicketsClientOptions = {
  /** e.g. https://qtickets.ru/api/rest/v1 (DEFAULT_BASE_URL). */
  baseUrl: string;
  token: string;
  timeouts?: Timeouts;
  retry?: RetryOptions;
  /** Where list parameters go: 'body' (vendor form, JSON body on GET) or 'query' (JSON strings in the query). */
  filterEncoding?: FilterEncoding;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Clock for the total-time budget and HTTP-date Retry-After. */
  now?: () => number;
  userAgent?: string;
  /** Called after every HTTP attempt (metrics); never lets an exception through to the request. */
  onRequest?: RequestObserver;
};

/** Lists served whole, without paging. */
export type UnpagedResource = 'color-themes';

export type ListParams = { page: number; where?: Where; orderBy?: OrderBy };

export type FilteredPage = ListPage & { filterHonoured: boolean; violations: number };

export type WalkOptions = {
  fromPage?: number;
  where?: Where;
  orderBy?: OrderBy;
  /** Expected id order; default: from orderBy on `id`, else 'asc' (promo codes: 'none', grouped by discount_id, Q23). */
  idOrder?: IdOrder;
  /** Stop after this many consecutive empty pages before the end. Default 3. */
  maxConsecutiveEmpty?: number;
};

export type TailOptions = { afterId: number; maxConsecutiveEmpty?: number };

export type SeatsOptions = {
  flat?: boolean;
  select?: string[];
  where?: Where;
  /** Personal-quota context (DOC): client_email, user_id, partner_id. */
  context?: Record<string, unknown>;
};

export class QTicketsClient {
  readonly baseUrl: string;
  readonly tokenFingerprint: string;
  #deps: LoopDeps;
  #encoding: FilterEncoding;
  #scrub: (text: string) => string;
  #logger: Logger;
  #interpret: (result: Parameters<typeof interpretRestResponse>[0], request: HttpRequest, nowMs: number) => JsonValue;

  constructor(options: QTicketsClientOptions) {
    if (typeof options.token !== 'string' || options.token.trim() === '') throw new TypeError('QTickets token is required');
    const secret = options.token;
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.tokenFingerprint = tokenFingerprint(secret);
    this.#logger = (options.logger ?? createLogger({ name: 'qtickets-client', level: 'silent' })).child({ component: 'qtickets-client' });
    this.#encoding = options.filterEncoding ?? 'body';
    this.#scrub = (text) => scrubSecret(text, secret);
    this.#deps = {
      transport: createTransport({ baseUrl: this.baseUrl, secret, userAgent: options.userAgent ?? DEFAULT_USER_AGENT, timeouts: options.timeouts }),
      retry: resolveRetryOptions(options.retry),
      logger: this.#logger,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      onRequest: options.onRequest,
    };
    // Interpretation needs the secret only to scrub echoed server messages.
    this.#interpret = (result, request, nowMs) => interpretRestResponse(result, request, secret, nowMs);
    this.#logger.debug({ baseUrl: this.baseUrl, credential: this.tokenFingerprint, encoding: this.#encoding }, 'qtickets client created');
  }

  /** The parameter encoding in use (it switches once if the server ignores `page` in the configured one). */
  get filterEncoding(): FilterEncoding {
    return this.#encoding;
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, tokenFingerprint: this.tokenFingerprint, filterEncoding: this.#encoding };
  }

  async #get(path: string, params?: RequestParams, encoding: FilterEncoding = this.#encoding, redact?: string): Promise<JsonValue> {
    const request: HttpRequest = { method: 'GET', path, params: compactParams(params), encoding, redact };
    return sendWithRetry(this.#deps, request, (result, nowMs) => this.#interpret(result, request, nowMs));
  }

  #invalid(path: string, detail: string): InvalidResponseError {
    return new InvalidResponseError({ method: 'GET', path, detail: this.#scrub(detail) });
  }

  async #fetchList(resource: ListResource, params: ListParams, encoding: FilterEncoding): Promise<ListPage> {
    const path = joinPath(resource);
    const body = await this.#get(path, { where: params.where, orderBy: params.orderBy, page: params.page > 1 ? params.page : undefined }, encoding);
    const page = readListEnvelope(body);
    if (typeof page === 'string') throw this.#invalid(path, page);
    return page;
  }

  /**
   * One page of a list endpoint (§4.1). If the server answers another page than the one asked for (page parameter
   * ignored in this encoding — UNV), the other encoding is tried once and kept if it works; otherwise this throws.
   */
  async listPage(resource: ListResource, params: ListParams): Promise<ListPage> {
    if (!LIST_RESOURCES.includes(resource)) throw new TypeError(`unknown list resource: ${String(resource)}`);
    if (!Number.isSafeInteger(params.page) || params.page < 1) throw new RangeError('page must be an integer >= 1');
    if (params.where) assertWhere(params.where);
    const encoding = this.#encoding;
    const page = await this.#fetchList(resource, params, encoding);
    if (page.paging.currentPage === params.page || params.page > page.lastPage) return page;
    const other: FilterEncoding = encoding === 'body' ? 'query' : 'body';
    this.#logger.warn(
      { resource, requested: params.page, got: page.paging.currentPage, encoding, trying: other },
      'server ignored the page parameter; trying the other parameter encoding',
    );
    const retried = await this.#fetchList(resource, params, other);
    if (retried.paging.currentPage === params.page) {
      this.#encoding = other;
      this.#logger.warn({ resource, encoding: other }, 'switched parameter encoding for the rest of this client');
      return retried;
    }
    throw this.#invalid(joinPath(resource), `server ignored page=${params.page} in both encodings (answered page ${retried.paging.currentPage})`);
  }

  /**
   * A filtered page, verified against the filter locally (§4.4). `filterHonoured` is false when any row violates the
   * filter — the server ignored it; the caller then falls back to the id-ascending tail walk (walkTail) + getOrder.
   */
  async listFiltered(resource: ListResource, params: { where: Where; orderBy?: OrderBy; page?: number }): Promise<FilteredPage> {
    const page = await this.listPage(resource, { page: params.page ?? 1, where: params.where, ...(params.orderBy ? { orderBy: params.orderBy } : {}) });
    const verdict = verifyFilter(page.data, params.where);
    if (!verdict.honoured) {
      this.#logger.warn(
        { resource, page: params.page ?? 1, rows: page.data.length, violations: verdict.violations, columns: params.where.map((c) => c.column) },
        'server ignored the where filter',
      );
    }
    return { ...page, filterHonoured: verdict.honoured, violations: verdict.violations };
  }

  /** Walks pages forward from `fromPage`, re-fetching suspicious pages once and reporting anomalies per page. */
  async *walk(resource: ListResource, options: WalkOptions = {}): AsyncGenerator<WalkPage> {
    const { where, orderBy } = options;
    const order = options.idOrder ?? defaultIdOrder(resource, orderBy);
    const fetchPage = (page: number): Promise<ListPage> => this.listPage(resource, { page, ...(where ? { where } : {}), ...(orderBy ? { orderBy } : {}) });
    for await (const page of walkPages(fetchPage, { fromPage: options.fromPage ?? 1, order, maxConsecutiveEmpty: options.maxConsecutiveEmpty ?? 3 })) {
      if (where && page.data.length > 0) {
        const verdict = verifyFilter(page.data, where);
        if (!verdict.honoured) {
          page.anomalies.push({
            kind: 'filter_ignored',
            page: page.page,
            detail: `${verdict.violations} of ${page.data.length} rows violate the where filter`,
            refetched: false,
            resolved: false,
          });
          this.#logger.warn({ resource, page: page.page, violations: verdict.violations }, 'server ignored the where filter during a walk');
        }
      }
      if (page.anomalies.length > 0) {
        this.#logger.warn({ resource, page: page.page, anomalies: page.anomalies.map((a) => ({ ...a, ids: a.ids?.length })) }, 'walk anomalies');
      }
      yield page;
    }
  }

  /**
   * The filter-free fallback for id-ascending resources (§5.1): from the last page backwards until ids reach
   * `afterId`. Yields pages from the end; each holds only rows with id > afterId, ascending.
   */
  async *walkTail(resource: ListResource, options: TailOptions): AsyncGenerator<WalkPage> {
    const fetchPage = (page: number): Promise<ListPage> => this.listPage(resource, { page });
    for await (const page of walkTailPages(fetchPage, { afterId: options.afterId, maxConsecutiveEmpty: options.maxConsecutiveEmpty ?? 3 })) {
      if (page.anomalies.length > 0) this.#logger.warn({ resource, page: page.page, anomalies: page.anomalies.length }, 'tail walk anomalies');
      yield page;
    }
  }

  async #single(path: string): Promise<JsonRecord> {
    const body = await this.#get(path);
    if (!isJsonRecord(body) || !isJsonRecord(body['data'])) throw this.#invalid(path, 'expected {"data": {...}}');
    return body['data'];
  }

  /** `GET /orders/{id}` → the order record (raw JSON; validate with orderSchema after removing what you must not keep). */
  async getOrder(id: number): Promise<JsonRecord> {
    return this.#single(joinPath('orders', checkId(id)));
  }

  /** `GET /events/{id}` → the event record (envelope INF, §4.2). */
  async getEvent(id: number): Promise<JsonRecord> {
    return this.#single(joinPath('events', checkId(id)));
  }

  /** `GET /shows/{id}/seats` — default hierarchical shape, or the flat DOC shape with `flat: true`. */
  async showSeats(showId: number, options: SeatsOptions = {}): Promise<ShowSeats> {
    const path = joinPath('shows', checkId(showId), 'seats');
    if (options.where) assertWhere(options.where);
    const body = await this.#get(path, { flat: options.flat, select: options.select, where: options.where, context: options.context });
    if (!isJsonRecord(body) || !('data' in body)) throw this.#invalid(path, 'expected {"data": {...}}');
    const parsed = showSeatsSchema.safeParse(body['data']);
    if (!parsed.success) throw this.#invalid(path, `seats data matches neither seat shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  /**
   * An unpaged list (`GET /color-themes`, DOC: `{"data": [...]}`) as raw records, for a pipeline that validates each
   * record itself (a bad one is quarantined, the rest load).
   */
  async listAll(resource: UnpagedResource): Promise<unknown[]> {
    const path = joinPath(resource);
    const body = await this.#get(path);
    const rows = isJsonRecord(body) ? body['data'] : undefined;
    if (!Array.isArray(rows)) throw this.#invalid(path, 'expected {"data": [...]}');
    return rows;
  }

  /** `GET /color-themes` (DOC) → price shades. */
  async colorThemes(): Promise<ColorTheme[]> {
    const path = joinPath('color-themes');
    const body = await this.#get(path);
    const rows = isJsonRecord(body) ? body['data'] : undefined;
    const parsed = colorThemeSchema.array().safeParse(rows);
    if (!parsed.success) throw this.#invalid(path, 'expected {"data": [{id, color}]}');
    return parsed.data;
  }

  /** `GET /shows/{id}/barcodes` (DOC) → bare array of currently valid barcodes. */
  async showBarcodes(showId: number, select?: BarcodeField[]): Promise<Barcode[]> {
    const path = joinPath('shows', checkId(showId), 'barcodes');
    const body = await this.#get(path, { select });
    const parsed = barcodeListSchema.safeParse(body);
    if (!parsed.success) throw this.#invalid(path, 'expected a bare array of barcodes');
    return parsed.data;
  }

  /**
   * `GET /shows/{id}/barcode/{barcode}` (DOC) → `{barcode, checked_at}`. Read-only: never the POST (mark scanned).
   * A barcode is an entry credential: log lines and errors show the path as `/shows/{id}/barcode/***`.
   */
  async barcodeScan(showId: number, barcode: string): Promise<BarcodeScan> {
    if (typeof barcode !== 'string' || barcode === '') throw new TypeError('barcode is required');
    const path = joinPath('shows', checkId(showId), 'barcode', barcode);
    const body = await this.#get(path, undefined, this.#encoding, barcode);
    const parsed = barcodeScanSchema.safeParse(body);
    if (!parsed.success) throw this.#invalid(joinPath('shows', showId, 'barcode', '***'), 'expected {barcode, checked_at}');
    return parsed.data;
  }
}

function checkId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`invalid id: ${String(id)}`);
  return id;
}

function defaultIdOrder(resource: ListResource, orderBy: OrderBy | undefined): IdOrder {
  if (orderBy) {
    const keys = Object.keys(orderBy);
    if (keys.length === 1 && keys[0] === 'id') return orderBy['id'] === 'desc' ? 'desc' : 'asc';
    return 'none';
  }
  return resource === 'promo-codes' ? 'none' : 'asc';
}

export function createQTicketsClient(options: QTicketsClientOptions): QTicketsClient {
  return new QTicketsClient(options);
}

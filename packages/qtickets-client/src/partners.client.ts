/**
 * Partners API v1 client (§6, DOC only — nothing beyond the auth error was ever observed). Separate key issued by
 * QTickets support (the REST token is rejected, Q18). Errors arrive with HTTP 200 and `{status:"error", code,
 * message}`: we branch on the body's `status`, never on the HTTP code. Read methods only (no tickets/add|update|remove).
 */
import { createLogger, type Logger, redactString } from '@qtp/shared';
import { AuthError, InvalidResponseError, NotFoundError, PartnerError, type QTicketsErrorInit } from './errors.ts';
import { createTransport, type HttpRequest, type HttpResult, joinPath, normaliseBaseUrl, type Timeouts } from './http-transport.ts';
import { isJsonRecord, parseApiJson } from './json.ts';
import type { FilterEncoding } from './params.ts';
import { type LoopDeps, type RequestObserver, realSleep, sendWithRetry } from './request-loop.ts';
import { interpretRestResponse } from './responses.ts';
import { type RetryOptions, resolveRetryOptions } from './retry-policy.ts';
import {
  type PartnerTicketsCheck,
  type PartnerTicketsFind,
  partnerErrorSchema,
  partnerTicketsCheckSchema,
  partnerTicketsFindSchema,
} from './schemas/partners.schema.ts';
import { scrubSecret, tokenFingerprint } from './token.ts';
import { DEFAULT_USER_AGENT } from './version.ts';

export const DEFAULT_PARTNERS_BASE_URL = 'https://qtickets.ru/api/partners/v1';

export type PartnersClientOptions = {
  baseUrl?: string;
  partnerKey: string;
  timeouts?: Timeouts;
  retry?: RetryOptions;
  /** 'body' = JSON body on GET (default); 'query' = JSON-encoded values in the query string. */
  paramEncoding?: FilterEncoding;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  userAgent?: string;
  /** Called after every HTTP attempt (metrics); never lets an exception through to the request. */
  onRequest?: RequestObserver;
};

/** Search filter of tickets/find: each key a scalar or an array. */
export type PartnerTicketFilter = {
  external_order_id?: string | string[];
  external_id?: string | string[];
  barcode?: string | string[];
  id?: number | string | Array<number | string>;
};

export type PartnerSeatQuery = { seat_id: string; offer_id?: string } | { batch: Array<{ seat_id: string; offer_id?: string }> };

const NOT_FOUND_CODES = new Set(['EVENT_NOT_FOUND', 'SEAT_NOT_FOUND', 'TICKET_NOT_FOUND']);

export class PartnersClient {
  readonly baseUrl: string;
  readonly keyFingerprint: string;
  #deps: LoopDeps;
  #encoding: FilterEncoding;
  #secret: () => string;

  constructor(options: PartnersClientOptions) {
    if (typeof options.partnerKey !== 'string' || options.partnerKey.trim() === '') throw new TypeError('partner key is required');
    const secret = options.partnerKey;
    this.baseUrl = normaliseBaseUrl(options.baseUrl ?? DEFAULT_PARTNERS_BASE_URL);
    this.keyFingerprint = tokenFingerprint(secret);
    this.#secret = () => secret;
    this.#encoding = options.paramEncoding ?? 'body';
    const logger = (options.logger ?? createLogger({ name: 'qtickets-partners', level: 'silent' })).child({ component: 'qtickets-partners' });
    this.#deps = {
      transport: createTransport({ baseUrl: this.baseUrl, secret, userAgent: options.userAgent ?? DEFAULT_USER_AGENT, timeouts: options.timeouts }),
      retry: resolveRetryOptions(options.retry),
      logger,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      onRequest: options.onRequest,
    };
  }

  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, keyFingerprint: this.keyFingerprint };
  }

  #request(segments: Array<string | number | undefined>, params: Record<string, unknown>): HttpRequest {
    const present = segments.filter((s): s is string | number => s !== undefined);
    return { method: 'GET', path: joinPath(...present), params, encoding: this.#encoding };
  }

  #interpret(result: HttpResult, request: HttpRequest, nowMs: number): Record<string, unknown> {
    const secret = this.#secret();
    // Transient HTTP failures keep the REST semantics (retry on 429/5xx, typed errors otherwise).
    if (result.status === 429 || result.status >= 500) interpretRestResponse(result, request, secret, nowMs);
    let body: unknown;
    try {
      body = parseApiJson(result.body);
    } catch {
      if (result.status >= 200 && result.status < 300) {
        throw new InvalidResponseError({
          method: request.method,
          path: request.path,
          status: result.status,
          retryable: true,
          detail: 'body is not valid JSON',
        });
      }
      interpretRestResponse(result, request, secret, nowMs);
    }
    if (isJsonRecord(body) && body['status'] === 'error') {
      const parsed = partnerErrorSchema.safeParse(body);
      const code = parsed.success ? parsed.data.code : undefined;
      const message = parsed.success ? (parsed.data.message ?? undefined) : undefined;
      const init: QTicketsErrorInit = {
        method: request.method,
        path: request.path,
        status: result.status,
        code,
        serverMessage: message === undefined ? undefined : redactString(scrubSecret(message.slice(0, 500), secret)),
      };
      if (code === 'WRONG_AUTHORIZATION') throw new AuthError(init);
      if (code !== undefined && NOT_FOUND_CODES.has(code)) throw new NotFoundError(init);
      throw new PartnerError(init);
    }
    if (result.status < 200 || result.status >= 300) interpretRestResponse(result, request, secret, nowMs);
    if (!isJsonRecord(body) || body['status'] !== 'success') {
      throw new InvalidResponseError({ method: request.method, path: request.path, status: result.status, detail: 'expected {"status": "success", ...}' });
    }
    return body;
  }

  async #call(request: HttpRequest): Promise<Record<string, unknown>> {
    return sendWithRetry(this.#deps, request, (result, nowMs) => this.#interpret(result, request, nowMs));
  }

  /** `tickets/find/{event_id?}/{show_id?}` — tickets issued through this partner matching `filter`. */
  async ticketsFind(eventId: number | undefined, showId: number | undefined, filter: PartnerTicketFilter): Promise<PartnerTicketsFind> {
    if (showId !== undefined && eventId === undefined) throw new TypeError('showId needs an eventId');
    const request = this.#request(['tickets', 'find', eventId, showId], { filter });
    const body = await this.#call(request);
    const parsed = partnerTicketsFindSchema.safeParse(body);
    if (!parsed.success) throw new InvalidResponseError({ method: 'GET', path: request.path, detail: 'unexpected tickets/find result' });
    return parsed.data;
  }

  /**
   * Every partner ticket of one show as raw records: `tickets/find/{event_id}/{show_id}` without a filter (the
   * contract has no list-all method; an optional filter with an event in the path is UNV — a server that insists on
   * one answers VALIDATION_ERROR, a PartnerError). Only the envelope is checked here, so a pipeline can validate each
   * ticket itself (a bad one is quarantined, the rest load). Holder fields are in the records: strip them at once.
   */
  async showTickets(eventId: number, showId: number): Promise<unknown[]> {
    const request = this.#request(['tickets', 'find', eventId, showId], {});
    const body = await this.#call(request);
    const result = body['result'] ?? [];
    if (!Array.isArray(result))
      throw new InvalidResponseError({ method: 'GET', path: request.path, detail: 'expected {"status": "success", "result": [...]}' });
    return result;
  }

  /** `tickets/check/{event_id}/{show_id?}` — availability of one seat (or a batch). */
  async ticketsCheck(eventId: number, showId: number | undefined, seat: PartnerSeatQuery): Promise<PartnerTicketsCheck> {
    const request = this.#request(['tickets', 'check', eventId, showId], seat);
    const body = await this.#call(request);
    const parsed = partnerTicketsCheckSchema.safeParse(body);
    if (!parsed.success) throw new InvalidResponseError({ method: 'GET', path: request.path, detail: 'unexpected tickets/check result' });
    return parsed.data;
  }
}

export function createPartnersClient(options: PartnersClientOptions): PartnersClient {
  return new PartnersClient(options);
}

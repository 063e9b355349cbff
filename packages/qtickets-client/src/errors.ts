/**
 * Typed errors of the QTickets clients. They carry only what is safe to log and serialise: method, path (no host,
 * no query secrets), HTTP status, API `code`, attempts. Never the token, request options, headers or the raw got error.
 */

export type QTicketsErrorKind = 'auth' | 'not_found' | 'unknown_route' | 'server' | 'rate_limited' | 'bad_request' | 'invalid_response' | 'network' | 'partner';

export type QTicketsErrorInit = {
  method: string;
  path: string;
  status?: number | undefined;
  code?: string | undefined;
  attempts?: number | undefined;
  /** Server-provided message (already scrubbed of secrets). Informational only — never branch on it (Q20). */
  serverMessage?: string | undefined;
  /** A plain, secret-free description of the underlying failure (never the got error itself). */
  cause?: SafeCause | undefined;
  /** Parsed Retry-After header of the failed response, in milliseconds. */
  retryAfterMs?: number | undefined;
};

/** What survives of a low-level error: its name, code and (scrubbed) message. */
export type SafeCause = { name: string; code?: string | undefined; message: string };

export class QTicketsError extends Error {
  readonly kind: QTicketsErrorKind;
  readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Number of HTTP attempts made before this error was surfaced (set by the retry loop). */
  attempts: number;

  constructor(kind: QTicketsErrorKind, retryable: boolean, message: string, init: QTicketsErrorInit) {
    super(message, init.cause ? { cause: init.cause } : undefined);
    this.name = 'QTicketsError';
    this.kind = kind;
    this.retryable = retryable;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      retryable: this.retryable,
      message: this.message,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      serverMessage: this.serverMessage,
      retryAfterMs: this.retryAfterMs,
      attempts: this.attempts,
      cause: this.cause,
    };
  }
}

function describe(init: QTicketsErrorInit, what: string): string {
  const status = init.status === undefined ? '' : ` ${init.status}`;
  const code = init.code === undefined ? '' : ` ${init.code}`;
  return `QTickets ${init.method} ${init.path}:${status}${code} ${what}`.replace(/\s+/g, ' ');
}

/** 401 or 403 (the REST API answers a bad token with 403 WRONG_AUTHORIZATION), or a partners WRONG_AUTHORIZATION. */
export class AuthError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('auth', false, describe(init, 'authorization rejected (check the API token)'), init);
    this.name = 'AuthError';
  }
}

/** 404 with the JSON `RESOURCE_NOT_FOUND` body: the route exists, the id does not. */
export class NotFoundError extends QTicketsError {
  readonly info: unknown;
  constructor(init: QTicketsErrorInit & { info?: unknown }) {
    super('not_found', false, describe(init, 'resource not found'), init);
    this.name = 'NotFoundError';
    this.info = init.info;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), info: this.info };
  }
}

/** 404 with the HTML page: the route does not exist (wrong path or base URL). */
export class UnknownRouteError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('unknown_route', false, describe(init, 'unknown route (HTML 404 page)'), init);
    this.name = 'UnknownRouteError';
  }
}

const RETRYABLE_SERVER_STATUSES = new Set([500, 502, 503, 504]);

/** 5xx. Retryable for 500/502/503/504 (e.g. 503 UNKNOWN_ERROR); matched on status and code, never on message text. */
export class ServerError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('server', init.status !== undefined && RETRYABLE_SERVER_STATUSES.has(init.status), describe(init, 'server error'), init);
    this.name = 'ServerError';
  }
}

/** 429. `retryAfterMs` is set when the response carried a usable Retry-After header. */
export class RateLimitedError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('rate_limited', true, describe(init, 'rate limited'), init);
    this.name = 'RateLimitedError';
  }
}

/** Other 4xx (400, 405, 422…): the request itself is wrong; never retried. */
export class BadRequestError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('bad_request', false, describe(init, 'request rejected'), init);
    this.name = 'BadRequestError';
  }
}

/**
 * The body is not what the contract promises: not JSON, or a wrong envelope. `retryable` is true only for a body
 * that is not parseable JSON on a 2xx (most likely a truncated transfer); a well-formed but wrong envelope is not.
 */
export class InvalidResponseError extends QTicketsError {
  constructor(init: QTicketsErrorInit & { retryable?: boolean; detail: string }) {
    super('invalid_response', init.retryable ?? false, describe(init, `invalid response: ${init.detail}`), init);
    this.name = 'InvalidResponseError';
  }
}

/** Connection refused/reset, DNS failure, timeouts. Always retryable. */
export class NetworkError extends QTicketsError {
  constructor(init: QTicketsErrorInit & { detail: string }) {
    super('network', true, describe(init, `network error: ${init.detail}`), init);
    this.name = 'NetworkError';
  }
}

/** A partners API business error (`{status:"error", code, message}` delivered with HTTP 200). */
export class PartnerError extends QTicketsError {
  constructor(init: QTicketsErrorInit) {
    super('partner', false, describe(init, 'partners API error'), init);
    this.name = 'PartnerError';
  }
}

export function isQTicketsError(value: unknown): value is QTicketsError {
  return value instanceof QTicketsError;
}

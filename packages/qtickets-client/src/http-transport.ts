/**
 * One HTTP attempt through got 16 — no retries (the retry loop is ours), no thrown HTTP errors, text body.
 * Every got failure is converted into a NetworkError that carries no got object (its options hold the headers).
 */
import { redactString } from '@qtp/shared';
import got, { RequestError } from 'got';
import { BadRequestError, NetworkError, type SafeCause } from './errors.ts';
import { encodeQuery, type FilterEncoding, type RequestParams } from './params.ts';
import { scrubSecret } from './token.ts';

export type Timeouts = {
  /** TCP (and TLS) connect. Default 10 s. */
  connectMs?: number;
  /** From request sent until response headers. Default 60 s. */
  responseMs?: number;
  /** From response headers until the body is complete (event pages exceed 1 MB). Default 60 s. */
  readMs?: number;
  /** Optional hard cap on one whole attempt. Default none. */
  requestMs?: number;
};

export const DEFAULT_TIMEOUTS = { connectMs: 10_000, responseMs: 60_000, readMs: 60_000 } as const;

export type HttpRequest = {
  method: 'GET';
  path: string;
  params?: RequestParams | undefined;
  encoding: FilterEncoding;
  /**
   * A path segment that is a credential (a ticket barcode, §5.11): it goes on the wire but never into a log line or
   * an error — those show the path with `***` in its place.
   */
  redact?: string | undefined;
};

/** The path as logs and errors show it (a redacted segment masked). */
export function shownPath(request: Pick<HttpRequest, 'path' | 'redact'>): string {
  return request.redact ? maskSegment(request.path, request.redact) : request.path;
}

/** Replaces `secret` (raw or URL-encoded) in `text` with `***`. */
export function maskSegment(text: string, secret: string): string {
  if (secret === '') return text;
  return text.split(encodeURIComponent(secret)).join('***').split(secret).join('***');
}

export type HttpResult = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

export type TransportOptions = {
  baseUrl: string;
  /** The Authorization header value is built from this; it never leaves this module except on the wire. */
  secret: string;
  userAgent: string;
  timeouts?: Timeouts | undefined;
};

export type Transport = {
  send(request: HttpRequest): Promise<HttpResult>;
};

export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('baseUrl must be an absolute http(s) URL');
  if (url.search || url.hash) throw new TypeError('baseUrl must not carry a query string or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** `/orders/1` style path + optional query; the host part is never reported anywhere. */
export function joinPath(...segments: Array<string | number>): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export function createTransport(options: TransportOptions): Transport {
  const base = normaliseBaseUrl(options.baseUrl);
  const t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const timeout: Record<string, number> = { connect: t.connectMs, secureConnect: t.connectMs, response: t.responseMs, read: t.readMs };
  if (t.requestMs !== undefined) timeout['request'] = t.requestMs;
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    'cache-control': 'no-cache',
    authorization: `Bearer ${options.secret}`,
    'user-agent': options.userAgent,
  };

  return {
    async send(request: HttpRequest): Promise<HttpResult> {
      const params = request.params;
      const query = params && request.encoding === 'query' ? encodeQuery(params) : '';
      const url = `${base}${request.path}${query ? `?${query}` : ''}`;
      const withBody = params !== undefined && request.encoding === 'body';
      try {
        const response = await got(url, {
          method: request.method,
          headers,
          timeout,
          retry: { limit: 0 },
          throwHttpErrors: false,
          followRedirect: false,
          responseType: 'text',
          allowGetBody: withBody,
          ...(withBody ? { json: params } : {}),
        });
        return { status: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        throw toSafeError(error, request, options.secret);
      }
    },
  };
}

function clean(text: string, secret: string): string {
  return redactString(scrubSecret(text, secret));
}

/** Copies name/code/message of a low-level error into a fresh typed error; the original object is dropped. */
function toSafeError(error: unknown, request: HttpRequest, secret: string): NetworkError | BadRequestError {
  const err = error instanceof Error ? error : new Error(String(error));
  const rawCode: unknown = (err as Error & { code?: unknown }).code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = clean(err.message, secret);
  const cause: SafeCause = { name: err.name, code, message: request.redact ? maskSegment(message, request.redact) : message };
  const path = shownPath(request);
  if (error instanceof RequestError) {
    return new NetworkError({ method: request.method, path, code, cause, detail: code ?? err.name });
  }
  return new BadRequestError({ method: request.method, path, code, cause });
}

/** Maps one REST response to a parsed body or a typed error (contract §8.1). Branches on status and `code`, never on text. */
import { redactString } from '@qtp/shared';
import {
  AuthError,
  BadRequestError,
  InvalidResponseError,
  NotFoundError,
  type QTicketsError,
  type QTicketsErrorInit,
  RateLimitedError,
  ServerError,
  UnknownRouteError,
} from './errors.ts';
import { type HttpRequest, type HttpResult, maskSegment, shownPath } from './http-transport.ts';
import { isJsonRecord, type JsonValue, parseApiJson } from './json.ts';
import { parseRetryAfter } from './retry-policy.ts';
import { scrubSecret } from './token.ts';

function tryParse(body: string): JsonValue | undefined {
  try {
    return parseApiJson(body);
  } catch {
    return undefined;
  }
}

function header(result: HttpResult, name: string): string | undefined {
  const value = result.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Pulls `code`, message and `info` out of a REST error body `{error, status, code, info}` when there is one. */
function errorDetails(body: JsonValue | undefined, secret: string): { code?: string; serverMessage?: string; info?: unknown } {
  if (!isJsonRecord(body)) return {};
  const out: { code?: string; serverMessage?: string; info?: unknown } = {};
  if (typeof body['code'] === 'string') out.code = body['code'];
  const message = typeof body['error'] === 'string' ? body['error'] : typeof body['message'] === 'string' ? body['message'] : undefined;
  if (message !== undefined) out.serverMessage = redactString(scrubSecret(message.slice(0, 500), secret));
  if ('info' in body) out.info = body['info'];
  return out;
}

/**
 * Returns the parsed JSON body of a 2xx response, or throws the matching QTicketsError.
 * `nowMs` is used to resolve an HTTP-date Retry-After.
 */
export function interpretRestResponse(result: HttpResult, request: HttpRequest, secret: string, nowMs: number): JsonValue {
  const { status } = result;
  const contentType = header(result, 'content-type') ?? '';
  const base: QTicketsErrorInit = { method: request.method, path: shownPath(request), status };

  if (status >= 200 && status < 300) {
    const parsed = tryParse(result.body);
    if (parsed === undefined) {
      const what = /html/i.test(contentType) ? 'HTML instead of JSON' : 'body is not valid JSON';
      throw new InvalidResponseError({ ...base, retryable: true, detail: what });
    }
    return parsed;
  }

  const parsed = tryParse(result.body);
  const details = errorDetails(parsed, secret);
  // A redacted request (a barcode in the path): the server's message and `info` may echo it, so they are masked/dropped.
  if (request.redact) {
    if (details.serverMessage !== undefined) details.serverMessage = maskSegment(details.serverMessage, request.redact);
    details.info = undefined;
  }
  const init: QTicketsErrorInit = {
    ...base,
    code: details.code,
    serverMessage: details.serverMessage,
    retryAfterMs: parseRetryAfter(result.headers['retry-after'], nowMs),
  };
  throw errorForStatus(status, init, parsed, details.info);
}

function errorForStatus(status: number, init: QTicketsErrorInit, parsed: JsonValue | undefined, info: unknown): QTicketsError {
  if (status === 401 || status === 403) return new AuthError(init);
  if (status === 404) {
    // JSON body (RESOURCE_NOT_FOUND, also `discounts/colors` parsed as id 0) → the route exists; HTML → unknown route (Q19).
    if (isJsonRecord(parsed) && (init.code !== undefined || 'error' in parsed)) return new NotFoundError({ ...init, info });
    return new UnknownRouteError(init);
  }
  if (status === 429) return new RateLimitedError(init);
  if (status >= 500 && status < 600) return new ServerError(init);
  if (status >= 300 && status < 400) {
    return new InvalidResponseError({ ...init, detail: 'unexpected redirect (check baseUrl; redirects are not followed)' });
  }
  if (status >= 400 && status < 500) return new BadRequestError(init);
  return new InvalidResponseError({ ...init, detail: `unexpected HTTP status ${status}` });
}

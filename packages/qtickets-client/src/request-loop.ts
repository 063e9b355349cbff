/** The retry loop shared by the REST and partners clients (got itself runs with `retry: {limit: 0}`). */
import type { Logger } from '@qtp/shared';
import { QTicketsError } from './errors.ts';
import { type HttpRequest, type HttpResult, shownPath, type Transport } from './http-transport.ts';
import { nextDelay, type ResolvedRetryOptions } from './retry-policy.ts';

/**
 * One HTTP attempt as an observer sees it (metrics): `endpoint` is the path with ids replaced by `{id}` (bounded
 * cardinality), `status` the HTTP status, or the error kind when no response came (e.g. `network`).
 */
export type RequestEvent = { method: string; endpoint: string; status: number | string; durationMs: number; attempt: number };
export type RequestObserver = (event: RequestEvent) => void;

export type LoopDeps = {
  transport: Transport;
  retry: ResolvedRetryOptions;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  onRequest?: RequestObserver | undefined;
};

/** `/orders/123` → `/orders/{id}`, `/shows/7/barcode/AB12` → `/shows/{id}/barcode/{barcode}`. */
export function endpointOf(path: string): string {
  return path.replace(/\/barcode\/[^/]+/, '/barcode/{barcode}').replace(/\/\d+(?=\/|$)/g, '/{id}');
}

function observe(deps: LoopDeps, request: HttpRequest, status: number | string, started: number, attempt: number): void {
  if (!deps.onRequest) return;
  try {
    deps.onRequest({ method: request.method, endpoint: endpointOf(request.path), status, durationMs: deps.now() - started, attempt });
  } catch {
    // An observer never breaks a request.
  }
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `request` until `interpret` accepts the response or the policy gives up. `interpret` turns a response into a
 * value or throws a QTicketsError; anything else thrown is a bug and propagates untouched.
 */
export async function sendWithRetry<T>(deps: LoopDeps, request: HttpRequest, interpret: (result: HttpResult, nowMs: number) => T): Promise<T> {
  const started = deps.now();
  const path = shownPath(request);
  for (let attempt = 1; ; attempt += 1) {
    const attemptStarted = deps.now();
    let failure: QTicketsError;
    let status: number | undefined;
    try {
      const result = await deps.transport.send(request);
      status = result.status;
      observe(deps, request, status, attemptStarted, attempt);
      deps.logger.debug({ method: request.method, path, status: result.status, attempt, ms: deps.now() - attemptStarted }, 'qtickets response');
      return interpret(result, deps.now());
    } catch (error) {
      if (!(error instanceof QTicketsError)) throw error;
      failure = error;
    }
    if (status === undefined) observe(deps, request, failure.status ?? failure.kind, attemptStarted, attempt);
    failure.attempts = attempt;
    const delay = nextDelay({
      attempt,
      retryable: failure.retryable,
      retryAfterMs: failure.retryAfterMs,
      elapsedMs: deps.now() - started,
      options: deps.retry,
      random: deps.random,
    });
    const fields = { method: request.method, path, kind: failure.kind, status: failure.status, code: failure.code, attempt };
    if (delay === undefined) {
      const reason = !failure.retryable ? 'not retryable' : attempt >= deps.retry.maxAttempts ? 'attempts exhausted' : 'time budget exhausted';
      deps.logger.warn({ ...fields, reason }, 'qtickets request failed');
      throw failure;
    }
    deps.logger.warn({ ...fields, delayMs: delay }, 'qtickets request failed, retrying');
    await deps.sleep(delay);
  }
}

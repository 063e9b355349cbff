/** Retry policy: exponential backoff with full jitter, bounded by attempts and total time; Retry-After wins (capped). */

export type RetryOptions = {
  /** Total attempts including the first one. Default 5. */
  maxAttempts?: number;
  /** Backoff base: the cap for attempt n is baseDelayMs * 2^(n-1). Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of any single delay, also for Retry-After. Default 30 s. */
  maxDelayMs?: number;
  /** Give up when the next delay would end after this much time since the first attempt. Default 120 s. */
  maxTotalMs?: number;
};

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalMs: 120_000 };

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const merged = { ...DEFAULT_RETRY, ...stripUndefined(options ?? {}) };
  if (!Number.isInteger(merged.maxAttempts) || merged.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer >= 1');
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxTotalMs'] as const) {
    if (!Number.isFinite(merged[key]) || merged[key] < 0) throw new RangeError(`retry.${key} must be a finite number >= 0`);
  }
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Full-jitter backoff (AWS architecture blog): delay = random() * min(maxDelay, base * 2^(attempt-1)), where `attempt`
 * is the number of the attempt that just failed (1-based) and `random()` returns a value in [0, 1).
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * cap);
}

/**
 * Parses a Retry-After header: delta-seconds (`"5"`, `"1.5"`) or an HTTP date. Returns milliseconds from `nowMs`
 * (never negative), or undefined when absent or unparseable.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The delay before the next attempt, or undefined when the error is not to be retried any more
 * (attempts exhausted, or the delay would overrun the total-time budget).
 */
export function nextDelay(params: {
  attempt: number;
  retryable: boolean;
  retryAfterMs: number | undefined;
  elapsedMs: number;
  options: ResolvedRetryOptions;
  random: () => number;
}): number | undefined {
  const { attempt, options } = params;
  if (!params.retryable || attempt >= options.maxAttempts) return undefined;
  const delay = params.retryAfterMs !== undefined ? Math.min(params.retryAfterMs, options.maxDelayMs) : backoffDelay(attempt, options, params.random);
  if (params.elapsedMs + delay > options.maxTotalMs) return undefined;
  return delay;
}

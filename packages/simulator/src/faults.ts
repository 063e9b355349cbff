import { createRng, type Rng } from './random.ts';
import type { Faults } from './types.ts';

/**
 * Fault injection for API requests (never /__sim/*). Its randomness is a PRNG of its own, so switching faults on or
 * off never changes the generated data. Order of checks per request: latency, connection reset, rate limit, 503.
 */

export const DEFAULT_FAULTS: Faults = {
  error503Rate: 0,
  rateLimit: null,
  latencyMs: 0,
  malformedRate: 0,
  ignoreWhere: false,
  resetRate: 0,
  ignoreFlat: false,
  failingResources: [],
  partnerStringIdRate: 0,
  webhookBadSignatureRate: 0,
  webhookDuplicateRate: 0,
  webhookPartialBodyRate: 0,
  webhookWrappedBody: false,
};

export type FaultDecision = { kind: 'none' } | { kind: 'reset' } | { kind: '429'; retryAfterSeconds: number | null } | { kind: '503'; variant: 0 | 1 };

export class FaultInjector {
  private current: Faults;
  private readonly rng: Rng;
  private requests = 0;
  private errors503 = 0;

  constructor(seed: number, initial: Partial<Faults> = {}) {
    this.rng = createRng(seed ^ 0x5f3759df);
    this.current = validateFaults({ ...DEFAULT_FAULTS, ...initial });
  }

  get(): Faults {
    return { ...this.current, rateLimit: this.current.rateLimit ? { ...this.current.rateLimit } : null, failingResources: [...this.current.failingResources] };
  }

  /** A REST resource switched to fail every request (fault `failingResources`). */
  failing(restPath: string): boolean {
    const first = restPath.replace(/^\/+/, '').split(/[/?]/)[0] ?? '';
    return this.current.failingResources.includes(first);
  }

  set(patch: Partial<Faults>): void {
    this.current = validateFaults({ ...this.current, ...patch });
  }

  /** Decides the fate of one API request (counts it). */
  decide(): FaultDecision {
    const f = this.current;
    const n = this.requests++;
    const resetRoll = this.rng.next();
    const errorRoll = this.rng.next();
    if (resetRoll < f.resetRate) return { kind: 'reset' };
    if (f.rateLimit && f.rateLimit.burst > 0) {
      const cycle = f.rateLimit.every + f.rateLimit.burst;
      if (n % cycle >= f.rateLimit.every) return { kind: '429', retryAfterSeconds: f.rateLimit.retryAfterSeconds };
    }
    if (errorRoll < f.error503Rate) return { kind: '503', variant: (this.errors503++ % 2) as 0 | 1 };
    return { kind: 'none' };
  }
}

export function validateFaults(f: Faults): Faults {
  const rate = (name: string, v: number): number => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a number in [0, 1], got ${v}`);
    return v;
  };
  rate('error503Rate', f.error503Rate);
  rate('malformedRate', f.malformedRate);
  rate('resetRate', f.resetRate);
  rate('partnerStringIdRate', f.partnerStringIdRate);
  rate('webhookBadSignatureRate', f.webhookBadSignatureRate);
  rate('webhookDuplicateRate', f.webhookDuplicateRate);
  rate('webhookPartialBodyRate', f.webhookPartialBodyRate);
  if (typeof f.webhookWrappedBody !== 'boolean') throw new RangeError('webhookWrappedBody must be a boolean');
  if (typeof f.ignoreFlat !== 'boolean') throw new RangeError('ignoreFlat must be a boolean');
  if (!Array.isArray(f.failingResources) || f.failingResources.some((r) => typeof r !== 'string'))
    throw new RangeError('failingResources must be an array of resource names');
  if (typeof f.latencyMs !== 'number' || !(f.latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${f.latencyMs}`);
  if (typeof f.ignoreWhere !== 'boolean') throw new RangeError('ignoreWhere must be a boolean');
  if (f.rateLimit !== null) {
    const { every, burst, retryAfterSeconds } = f.rateLimit;
    if (!Number.isInteger(every) || every < 0 || !Number.isInteger(burst) || burst < 0)
      throw new RangeError('rateLimit.every and .burst must be integers >= 0');
    if (retryAfterSeconds !== null && !(typeof retryAfterSeconds === 'number' && retryAfterSeconds >= 0)) {
      throw new RangeError('rateLimit.retryAfterSeconds must be null or >= 0');
    }
  }
  return f;
}

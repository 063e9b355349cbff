/** Deterministic randomness: a seeded PRNG for sequential draws and a stateless hash for per-id derivations. */

export type Rng = {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** Exponentially distributed value with the given mean. */
  exp(mean: number): number;
};

/** 32-bit integer mix of any number of integers (murmur3 finaliser over a running state). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // fold the low and the high 32 bits so ids above 2^32 still mix
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= Math.floor(p / 4294967296) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x27d4eb2d);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** hash32 scaled to [0, 1). */
export function hashUnit(...parts: number[]): number {
  return hash32(...parts) / 4294967296;
}

/** mulberry32: small, fast, good enough for synthetic data. */
class Mulberry32 implements Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

export function createRng(seed: number): Rng {
  return new Mulberry32(seed);
}

/** A lowercase hex string of `length` characters derived from the parts (for secret-looking URL hashes). */
export function hexFrom(length: number, ...parts: number[]): string {
  let out = '';
  let i = 0;
  while (out.length < length)
    out += hash32(...parts, i++)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An alphanumeric string of `length` characters derived from the parts (order `uniqid`). */
export function alnumFrom(length: number, ...parts: number[]): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[hash32(...parts, i) % ALNUM.length];
  return out;
}

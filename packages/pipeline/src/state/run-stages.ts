import type { Redis } from 'ioredis';

/**
 * A run's planned units staged in Redis, so that no job payload ever carries a plan (a 256 KiB job held about 840
 * barcodes to poll; a budget goes up to 100,000). A stage is a list of unit payloads (JSON), written in slices and
 * then sealed with its final length; whoever fans it out reads it back in slices.
 *
 *   <prefix>:run:<runId>:stage:<name>   list of unit payloads (JSON)
 *   <prefix>:run:<runId>:stages         hash: name -> length once sealed (a sealed stage is never rewritten)
 *   <prefix>:run:<runId> field budget   requests left for follow-ups (set once the plan is staged)
 */
const STAGE_TTL_S = 7 * 24 * 3600;
export const STAGE_SLICE = 500;

// Seals a stage once: with a budget (ARGV[2] = 1) it keeps only as many units as the run has requests left and
// takes them from the budget. Returns the sealed length (the same one to every later call).
const SEAL = `
local sealed = redis.call('HGET', KEYS[2], ARGV[1])
if sealed then return tonumber(sealed) end
local n = redis.call('LLEN', KEYS[3])
if ARGV[2] == '1' then
  local left = tonumber(redis.call('HGET', KEYS[1], 'budget') or '0')
  if left < 0 then left = 0 end
  if n > left then n = left end
  if n > 0 then redis.call('HINCRBY', KEYS[1], 'budget', 0 - n) end
  if n == 0 then redis.call('DEL', KEYS[3]) else redis.call('LTRIM', KEYS[3], 0, n - 1) end
end
redis.call('HSET', KEYS[2], ARGV[1], n)
redis.call('EXPIRE', KEYS[2], ARGV[3])
return n
`;

export class RunStages {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(runId: string, part = '') {
    return `${this.#prefix}:run:${runId}${part}`;
  }

  /** The sealed length of a stage, or null while it is not sealed (never written, or a writer died half-way). */
  async sealed(runId: string, name: string): Promise<number | null> {
    const v = await this.#redis.hget(this.#key(runId, ':stages'), name);
    return v === null ? null : Number(v);
  }

  /** (Re)writes an unsealed stage from scratch, slice by slice; returns how many units it holds. */
  async write(runId: string, name: string, payloads: Iterable<unknown>): Promise<number> {
    const key = this.#key(runId, `:stage:${name}`);
    await this.#redis.del(key);
    let n = 0;
    let slice: string[] = [];
    const flush = async () => {
      if (slice.length === 0) return;
      await this.#redis
        .multi()
        .rpush(key, ...slice)
        .expire(key, STAGE_TTL_S)
        .exec();
      n += slice.length;
      slice = [];
    };
    for (const p of payloads) {
      slice.push(JSON.stringify(p));
      if (slice.length >= STAGE_SLICE) await flush();
    }
    await flush();
    return n;
  }

  /** Seals the stage (see SEAL); `fromBudget`: it may hold only what the run's follow-up budget has left. */
  async seal(runId: string, name: string, fromBudget: boolean): Promise<number> {
    return Number(
      await this.#redis.eval(SEAL, 3, this.#key(runId), this.#key(runId, ':stages'), this.#key(runId, `:stage:${name}`), name, fromBudget ? 1 : 0, STAGE_TTL_S),
    );
  }

  /** The staged payloads, `slice` at a time (only this slice is in memory). */
  async *read(runId: string, name: string, slice = STAGE_SLICE): AsyncGenerator<unknown[]> {
    const key = this.#key(runId, `:stage:${name}`);
    for (let start = 0; ; start += slice) {
      const raw = await this.#redis.lrange(key, start, start + slice - 1);
      if (raw.length === 0) return;
      yield raw.map((r) => JSON.parse(r) as unknown);
      if (raw.length < slice) return;
    }
  }

  /** The fetcher's unit job options (FETCH_ATTEMPTS, FETCH_BACKOFF_MS), for the units the writer adds later. */
  async setUnitOptions(runId: string, opts: Record<string, unknown>): Promise<void> {
    await this.#redis.hset(this.#key(runId), 'unitOptions', JSON.stringify(opts));
  }

  async unitOptions(runId: string): Promise<Record<string, unknown> | null> {
    const raw = await this.#redis.hget(this.#key(runId), 'unitOptions');
    return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
  }

  /** Requests the run may still spend on follow-ups. */
  async setBudget(runId: string, left: number): Promise<void> {
    await this.#redis.hset(this.#key(runId), 'budget', Math.max(0, left));
  }

  async budget(runId: string): Promise<number> {
    return Math.max(0, Number((await this.#redis.hget(this.#key(runId), 'budget')) ?? 0));
  }
}

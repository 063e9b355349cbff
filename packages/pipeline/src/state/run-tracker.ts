import type { Redis } from 'ioredis';

/**
 * Transient bookkeeping of in-flight runs, in Redis. The durable truth is etl_state in ClickHouse; if this is lost,
 * the run simply never finalises, the state is not advanced and the next run covers the same ground again.
 *
 *   <prefix>:run:<runId>        hash: stream, mode, startedAt, expected, total, perPage, counters, maxId, maxUpdatedAtMs
 *   <prefix>:run:<runId>:pages  set of page sources planned
 *   <prefix>:run:<runId>:done   set of page sources whose rows ClickHouse confirmed (idempotent under redelivery)
 *   <prefix>:runlock:<lock>     the active run of a stream (NX + TTL): no two overlapping runs; the lock is the stream
 *                               (`orders`) or its backfill lane (`orders-backfill`)
 *   <prefix>:runlast:<lock>     the last run started under that lock (to tell an abandoned run from a finished one)
 *   <prefix>:run:<runId>:pending units whose follow-ups (more units of the same run, e.g. the polls of the barcodes a
 *                               list returned) are not yet added: the run cannot complete while one is here
 *   <prefix>:run:<runId>:groups  unit -> how many chunks it was split into; :gdone unit -> chunks written; :gparent
 *                               unit -> its parent (what its follow-ups are planned from)
 *   <prefix>:run:<runId>:stage:<name>, :stages   planned unit payloads staged in Redis (see run-stages.ts)
 */
export type RunInfo = {
  runId: string;
  stream: string;
  mode: string;
  startedAt: string;
  /** The lock this run holds (stream, or `<stream>-backfill`). */
  lock: string;
  windowFrom: string | null;
  windowTo: string | null;
  planned: boolean;
  expected: number;
  done: number;
  total: number;
  perPage: number;
  fetched: number;
  valid: number;
  quarantined: number;
  written: number;
  maxId: number;
  maxUpdatedAtMs: number;
  filterIgnored: number;
  finalized: boolean;
  /** The stream cursor this run stores once complete (null: leave it). */
  cursor: string | null;
};

const RUN_TTL_S = 7 * 24 * 3600;
const PLAN_SLICE = 1_000;

// Marks a page done once and folds its stats in (a redelivered page changes nothing). Returns {added, followUp}:
// followUp = 1 when every chunk of the unit ARGV[10] is written and its follow-ups are still pending (a redelivered
// write says so again, so a writer killed before it added the follow-ups leaves them to the next delivery).
const MARK_DONE = `
local added = redis.call('SADD', KEYS[2], ARGV[1])
local follow = 0
if added == 1 and redis.call('HEXISTS', KEYS[3], ARGV[10]) == 1 then redis.call('HINCRBY', KEYS[4], ARGV[10], 1) end
if redis.call('SISMEMBER', KEYS[5], ARGV[10]) == 1 then
  local chunks = tonumber(redis.call('HGET', KEYS[3], ARGV[10]) or '0')
  if chunks > 0 and tonumber(redis.call('HGET', KEYS[4], ARGV[10]) or '0') >= chunks then follow = 1 end
end
if added == 1 then
  redis.call('HINCRBY', KEYS[1], 'fetched', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'valid', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'quarantined', ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'written', ARGV[5])
  redis.call('HINCRBY', KEYS[1], 'filterIgnored', ARGV[8])
  if tonumber(redis.call('HGET', KEYS[1], 'maxId') or '0') < tonumber(ARGV[6]) then redis.call('HSET', KEYS[1], 'maxId', ARGV[6]) end
  if tonumber(redis.call('HGET', KEYS[1], 'maxUpdatedAtMs') or '0') < tonumber(ARGV[7]) then redis.call('HSET', KEYS[1], 'maxUpdatedAtMs', ARGV[7]) end
end
redis.call('EXPIRE', KEYS[2], ARGV[9])
redis.call('EXPIRE', KEYS[1], ARGV[9])
for i = 3, 5 do if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[9]) end end
return {added, follow}
`;

/** A chunk source (`i|ls12|c3`) belongs to its unit (`i|ls12`). */
export const unitOf = (source: string): string => source.replace(/\|c\d+$/, '');

export class RunTracker {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  #key(runId: string, part = '') {
    return `${this.#prefix}:run:${runId}${part}`;
  }

  /** Takes the stream's run lock; false when another run holds it. */
  async lock(stream: string, runId: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(`${this.#prefix}:runlock:${stream}`, runId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async lockHolder(stream: string): Promise<string | null> {
    return this.#redis.get(`${this.#prefix}:runlock:${stream}`);
  }

  /** Releases the lock only if this run still holds it. */
  async unlock(stream: string, runId: string): Promise<void> {
    await this.#redis.eval(
      `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
      1,
      `${this.#prefix}:runlock:${stream}`,
      runId,
    );
  }

  async start(
    runId: string,
    stream: string,
    mode: string,
    startedAt: string,
    lock = stream,
    window: { from: string; to: string } | null = null,
  ): Promise<void> {
    const fields = { runId, stream, mode, startedAt, lock, planned: 0, ...(window ? { windowFrom: window.from, windowTo: window.to } : {}) };
    await this.#redis
      .multi()
      .hset(this.#key(runId), fields)
      .expire(this.#key(runId), RUN_TTL_S)
      .set(`${this.#prefix}:runlast:${lock}`, runId, 'EX', RUN_TTL_S)
      .exec();
  }

  /** The last run started under a lock, if known. */
  async lastRun(lock: string): Promise<string | null> {
    return this.#redis.get(`${this.#prefix}:runlast:${lock}`);
  }

  async hasFailed(runId: string): Promise<boolean> {
    return (await this.#redis.hexists(this.#key(runId), 'failed')) === 1;
  }

  /** Registers the pages discovery fanned out (before they are enqueued, so completion can never be seen early). */
  async plan(runId: string, sources: string[], paging: { total: number; perPage: number }, cursor?: string): Promise<void> {
    // A 1M-order reconciliation has 20,000 pages: registered in slices, then marked planned in one step.
    for (let i = 0; i < sources.length; i += PLAN_SLICE) await this.#redis.sadd(this.#key(runId, ':pages'), ...sources.slice(i, i + PLAN_SLICE));
    const m = this.#redis.multi();
    m.hset(this.#key(runId), { planned: 1, total: paging.total, perPage: paging.perPage, ...(cursor !== undefined ? { cursor } : {}) });
    m.expire(this.#key(runId, ':pages'), RUN_TTL_S);
    await m.exec();
  }

  /** Registers units (in slices) without marking the run planned: a staged plan or a unit's follow-ups. */
  async register(runId: string, sources: string[]): Promise<void> {
    for (let i = 0; i < sources.length; i += PLAN_SLICE) await this.#redis.sadd(this.#key(runId, ':pages'), ...sources.slice(i, i + PLAN_SLICE));
    await this.#redis.expire(this.#key(runId, ':pages'), RUN_TTL_S);
  }

  /** Which of these sources the run has already registered. */
  async registered(runId: string, sources: string[]): Promise<boolean[]> {
    if (sources.length === 0) return [];
    return (await this.#redis.smismember(this.#key(runId, ':pages'), ...sources)).map((v) => v === 1);
  }

  /**
   * More units found while fetching (a parent's response split into chunks): registered before they are enqueued.
   * With `followUp`, the unit (all `chunks` of it) gets follow-ups once written: the run cannot complete until they
   * are added (see markDone and resolveFollowUp).
   */
  async addUnits(runId: string, sources: string[], followUp?: { unit: string; chunks: number; parent: unknown }): Promise<void> {
    if (sources.length === 0 && !followUp) return;
    const m = this.#redis.multi();
    if (sources.length > 0) m.sadd(this.#key(runId, ':pages'), ...sources).expire(this.#key(runId, ':pages'), RUN_TTL_S);
    if (followUp) {
      m.hset(this.#key(runId, ':groups'), followUp.unit, followUp.chunks)
        .hset(this.#key(runId, ':gparent'), followUp.unit, JSON.stringify(followUp.parent))
        .sadd(this.#key(runId, ':pending'), followUp.unit);
      for (const part of [':groups', ':gparent', ':pending']) m.expire(this.#key(runId, part), RUN_TTL_S);
    }
    await m.exec();
  }

  /** The parent a pending follow-up is planned from. */
  async followUpParent(runId: string, unit: string): Promise<Record<string, unknown> | null> {
    const raw = await this.#redis.hget(this.#key(runId, ':gparent'), unit);
    return raw === null ? null : (JSON.parse(raw) as Record<string, unknown>);
  }

  /** The unit's follow-ups are registered and enqueued: the run may complete without it now. */
  async resolveFollowUp(runId: string, unit: string): Promise<void> {
    await this.#redis.srem(this.#key(runId, ':pending'), unit);
  }

  /**
   * After ClickHouse confirmed a page's rows. `complete`: the run is complete; `followUp`: the unit this source
   * belongs to is now wholly written and its follow-ups are still to add (the caller adds them, then resolves it).
   */
  async markDone(
    runId: string,
    source: string,
    s: { fetched: number; valid: number; quarantined: number; written: number; maxId: number; maxUpdatedAtMs: number; filterIgnored: boolean },
  ): Promise<{ complete: boolean; followUp: string | null }> {
    const unit = unitOf(source);
    const [, follow] = (await this.#redis.eval(
      MARK_DONE,
      5,
      this.#key(runId),
      this.#key(runId, ':done'),
      this.#key(runId, ':groups'),
      this.#key(runId, ':gdone'),
      this.#key(runId, ':pending'),
      source,
      s.fetched,
      s.valid,
      s.quarantined,
      s.written,
      s.maxId,
      s.maxUpdatedAtMs,
      s.filterIgnored ? 1 : 0,
      RUN_TTL_S,
      unit,
    )) as [number, number];
    return { complete: await this.isComplete(runId), followUp: follow === 1 ? unit : null };
  }

  /** Every planned unit written, and no follow-up still to add. */
  async isComplete(runId: string): Promise<boolean> {
    const [planned, pages, done, pending] = await Promise.all([
      this.#redis.hget(this.#key(runId), 'planned'),
      this.#redis.scard(this.#key(runId, ':pages')),
      this.#redis.scard(this.#key(runId, ':done')),
      this.#redis.scard(this.#key(runId, ':pending')),
    ]);
    if (planned !== '1' || pending > 0 || done < pages) return false;
    // Counted first (O(1) per written unit: a run of 100,000 units would spend minutes diffing sets), then confirmed.
    return (await this.#redis.sdiff(this.#key(runId, ':pages'), this.#key(runId, ':done'))).length === 0;
  }

  /**
   * A run that cannot complete (a page failed permanently): frees the stream at once and leaves the failure for the
   * scheduler to record in meta_job_runs (it sweeps failed runs every few seconds).
   */
  async fail(runId: string, stream: string, reason: string, unplanned?: { mode: string; startedAt: string }): Promise<void> {
    const m = this.#redis.multi();
    // A run nobody started (a webhook change's refetch): registered here, so that its failure is recorded too.
    if (unplanned) {
      for (const [k, v] of Object.entries({ runId, stream, mode: unplanned.mode, startedAt: unplanned.startedAt })) m.hsetnx(this.#key(runId), k, v);
      m.expire(this.#key(runId), RUN_TTL_S);
    }
    await m
      .hset(this.#key(runId), { failed: reason.slice(0, 1_000) })
      .lpush(`${this.#prefix}:runfailed:${stream}`, runId)
      .exec();
    await this.unlock((await this.#redis.hget(this.#key(runId), 'lock')) ?? stream, runId);
  }

  /** Failed runs not yet recorded, oldest first; each is returned once. */
  async takeFailed(stream: string): Promise<Array<{ info: RunInfo; reason: string }>> {
    const out: Array<{ info: RunInfo; reason: string }> = [];
    for (;;) {
      const runId = await this.#redis.rpop(`${this.#prefix}:runfailed:${stream}`);
      if (!runId) return out;
      const info = await this.info(runId);
      const reason = (await this.#redis.hget(this.#key(runId), 'failed')) ?? 'failed';
      if (info) out.push({ info, reason });
    }
  }

  /** True for exactly one caller: whoever finalises the run. */
  async claimFinalize(runId: string): Promise<boolean> {
    return (await this.#redis.hsetnx(this.#key(runId), 'finalized', '1')) === 1;
  }

  /** Finalising failed (e.g. ClickHouse went away): the next delivery of a write job of the run may try again. */
  async releaseFinalize(runId: string): Promise<void> {
    await this.#redis.hdel(this.#key(runId), 'finalized');
  }

  async info(runId: string): Promise<RunInfo | null> {
    const [h, done, pages] = await Promise.all([
      this.#redis.hgetall(this.#key(runId)),
      this.#redis.scard(this.#key(runId, ':done')),
      this.#redis.scard(this.#key(runId, ':pages')),
    ]);
    if (!h.runId) return null;
    const n = (k: string) => Number(h[k] ?? 0);
    return {
      runId: h.runId,
      stream: h.stream ?? '',
      mode: h.mode ?? '',
      lock: h.lock ?? h.stream ?? '',
      windowFrom: h.windowFrom ?? null,
      windowTo: h.windowTo ?? null,
      startedAt: h.startedAt ?? '',
      planned: h.planned === '1',
      expected: pages,
      done,
      total: n('total'),
      perPage: n('perPage'),
      fetched: n('fetched'),
      valid: n('valid'),
      quarantined: n('quarantined'),
      written: n('written'),
      maxId: n('maxId'),
      maxUpdatedAtMs: n('maxUpdatedAtMs'),
      filterIgnored: n('filterIgnored'),
      finalized: h.finalized === '1',
      cursor: h.cursor ?? null,
    };
  }
}

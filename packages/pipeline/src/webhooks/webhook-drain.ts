import { type ClickHouseClient, enqueue, enqueueMany, type Logger, type WebhookOutcome } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { chunkRecords } from '../handlers/fetch-item.handler.ts';
import { fetchJob, type ItemPayload } from '../jobs/fetch.job.ts';
import { transformJob } from '../jobs/transform.job.ts';
import { type StreamName, streamByName } from '../streams/registry.ts';
import type { ChangeBuffer } from './change-buffer.ts';
import { type BufferedChange, type CheckedChange, checkChange } from './webhook-body.ts';

export type DrainDeps = {
  buffer: ChangeBuffer;
  redis: Redis;
  prefix: string;
  clickhouse: ClickHouseClient;
  transformQueue: Queue;
  fetchQueue: Queue;
  /** FETCH_ATTEMPTS / FETCH_BACKOFF_MS: the retries of a refetch. */
  refetchRetry: { attempts: number; backoffMs: number };
  log: Logger;
  onOutcome?: (event: string, outcome: WebhookOutcome, n: number) => void;
  /** Changes read per drain (default 500). */
  batch?: number;
  /**
   * Least time between two drains while changes keep coming (default 100 ms): a burst goes on in a few large batches
   * (fewer jobs, fewer round trips) rather than many small ones; the first change of a burst goes at once.
   */
  gapMs?: number;
};

/** A change taken is remembered this long: past the vendor's ~50 minutes of retries (contract §9). */
const SEEN_TTL_S = 2 * 3600;

export type Decision = { change: CheckedChange; action: 'apply' | 'refetch'; why?: string };

/**
 * Pure: a valid body is applied unless ClickHouse already holds a newer version of the record (an old delivery
 * retried after a newer one landed: the record is refetched, which gives its current state). Without the version
 * (ClickHouse unreachable) the body is applied: rows carry `_ver` = updated_at, so an older one never replaces a newer.
 */
export function decide(change: CheckedChange, latestMs: number | undefined): Decision {
  if (change.updatedAtMs === undefined) return { change, action: 'refetch', why: change.reason ?? 'no usable body' };
  if (latestMs !== undefined && change.updatedAtMs < latestMs) return { change, action: 'refetch', why: 'body older than the version ClickHouse holds' };
  return { change, action: 'apply' };
}

const changeKey = (c: BufferedChange) => `${c.stream}|${c.id}|${c.version}`;

/**
 * Moves buffered changes into jobs: duplicates dropped (the same change already taken), each stream's latest
 * versions read from ClickHouse in one query, then one transform job per 64 kB of applied records (their `runId`
 * is the batch's: nothing can fail it) and one fetch job per refetch (a run of its own, retried with the fetch
 * settings: if it fails, only that order waits for the re-walk). Entries are acknowledged after their jobs are queued;
 * a drain that fails half-way is read again, and its jobs' ids (from the entry ids) make the second enqueue a no-op.
 */
export class WebhookDrain {
  readonly #d: DrainDeps;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;

  constructor(deps: DrainDeps) {
    this.#d = deps;
  }

  /** Drains soon: deliveries arriving during a drain are taken together by the next one. */
  nudge(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
  }

  async #loop(): Promise<void> {
    const gap = this.#d.gapMs ?? 100;
    let took = 0;
    do {
      this.#again = false;
      try {
        for (;;) {
          if (took > 0 && gap > 0) await new Promise((r) => setTimeout(r, gap));
          took = await this.drainOnce();
          if (took === 0) break;
        }
      } catch (err) {
        this.#d.log.warn({ err: (err as Error).message }, 'webhook drain failed; the changes stay buffered and are drained again');
        return;
      }
    } while (this.#again);
  }

  /** Every `intervalMs` a drain (what a failed drain left), and every 30 ticks a claim of a dead drainer's entries. */
  start(intervalMs = 1_000): void {
    this.#timer = setInterval(() => {
      if (this.#ticks++ % 30 === 0) this.#d.buffer.claimStale(60_000, 1_000).catch(() => {});
      this.nudge();
    }, intervalMs);
    this.#timer.unref();
    this.nudge();
  }

  /** Stops the timer and waits for a drain in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One batch; returns how many entries it took. */
  async drainOnce(): Promise<number> {
    const d = this.#d;
    const started = Date.now();
    const entries = await d.buffer.read(d.batch ?? 500);
    if (entries.length === 0) return 0;
    const first = entries[0]?.entryId ?? '0-0';
    const unique = new Map<string, BufferedChange>();
    const dupes: BufferedChange[] = [];
    for (const { change } of entries) {
      if (!change) continue;
      if (unique.has(changeKey(change))) dupes.push(change);
      else unique.set(changeKey(change), change);
    }
    const keys = [...unique.keys()];
    const seen = keys.length > 0 ? await d.redis.mget(keys.map((k) => this.#seenKey(k))) : [];
    const fresh: BufferedChange[] = [];
    keys.forEach((k, i) => {
      const c = unique.get(k) as BufferedChange;
      if (seen[i] !== null) dupes.push(c);
      else fresh.push(c);
    });
    const decisions: Decision[] = [];
    for (const [stream, buffered] of groupBy(fresh, (c) => c.stream)) {
      const definition = streamByName(stream as StreamName);
      const changes: CheckedChange[] = [];
      for (const c of buffered) {
        changes.push(checkChange(definition, c));
        // Validating a big batch takes a while: let the receiver answer deliveries in between.
        if (changes.length % 25 === 0) await new Promise((r) => setImmediate(r));
      }
      const latest = await this.#latest(stream, changes);
      for (const c of changes) decisions.push(decide(c, latest?.get(c.id)));
    }
    await this.#enqueue(first, decisions);
    if (keys.length > 0) {
      const m = d.redis.multi();
      for (const x of decisions) m.set(this.#seenKey(changeKey(x.change)), '1', 'EX', SEEN_TTL_S);
      await m.exec();
    }
    await d.buffer.ack(entries.map((e) => e.entryId));
    for (const x of decisions) d.onOutcome?.(x.change.event, x.action === 'apply' ? 'applied' : 'refetched', 1);
    for (const c of dupes) d.onOutcome?.(c.event, 'duplicate', 1);
    const refetched = decisions.filter((x) => x.action === 'refetch');
    if (refetched.length > 0) d.log.info({ refetches: refetched.slice(0, 10).map((x) => ({ id: x.change.id, why: x.why })) }, 'webhook changes refetched');
    d.log.debug(
      {
        entries: entries.length,
        applied: decisions.length - refetched.length,
        refetched: refetched.length,
        duplicates: dupes.length,
        ms: Date.now() - started,
      },
      'webhooks drained',
    );
    return entries.length;
  }

  #seenKey(k: string): string {
    return `${this.#d.prefix}:webhook:seen:${k}`;
  }

  async #latest(stream: string, changes: CheckedChange[]): Promise<Map<number, number> | null> {
    const withBody = changes.filter((c) => c.updatedAtMs !== undefined).map((c) => c.id);
    const declaration = streamByName(stream as StreamName).webhook;
    if (withBody.length === 0 || !declaration) return null;
    try {
      return await declaration.latestVersions(this.#d.clickhouse, [...new Set(withBody)]);
    } catch (err) {
      this.#d.log.warn(
        { err: (err as Error).message, stream },
        'latest versions unreadable (ClickHouse?): bodies applied as they are; the row version rule keeps the newest',
      );
      return null;
    }
  }

  async #enqueue(first: string, decisions: Decision[]): Promise<void> {
    const d = this.#d;
    const batch = first.replace(/[^0-9]/g, '.');
    for (const [stream, xs] of groupBy(decisions, (x) => x.change.stream)) {
      const name = stream as StreamName;
      const declaration = streamByName(name).webhook;
      const applied = xs.filter((x) => x.action === 'apply').map((x) => x.change);
      const runId = `${stream}-webhook-${batch}`;
      let offset = 0;
      for (const [j, chunk] of chunkRecords(applied.map((c) => c.record)).entries()) {
        if (chunk.length === 0) continue;
        // The chunk's earliest delivery: change → row is never under-stated.
        const at = Math.min(...applied.slice(offset, offset + chunk.length).map((c) => c.receivedAtMs));
        offset += chunk.length;
        const source = `wh|c${j}`;
        await enqueue(d.transformQueue, transformJob, { runId, stream: name, source, fetchedAt: new Date(at).toISOString(), records: chunk, receivedAtMs: at });
      }
      const refetches: ItemPayload[] = xs
        .filter((x) => x.action === 'refetch' && declaration)
        .map(({ change: c }) => ({
          kind: 'item',
          runId: `${stream}-webhook-o${c.id}-${c.version}`,
          stream: name,
          key: `o${c.id}-${c.version}`,
          parent: declaration?.refetchParent(c.id) ?? {},
          receivedAtMs: c.receivedAtMs,
        }));
      // Equal jitter: a retry never comes before half its delay, so the retries of a refetch outlive an API outage of
      // at least ½ · FETCH_BACKOFF_MS · (2^(FETCH_ATTEMPTS−1) − 1) (defaults: 127 s).
      await enqueueMany(d.fetchQueue, fetchJob, refetches, {
        attempts: d.refetchRetry.attempts,
        backoff: { type: 'exponential', delay: d.refetchRetry.backoffMs, jitter: 0.5 },
      });
    }
  }
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const into = m.get(k);
    if (into) into.push(x);
    else m.set(k, [x]);
  }
  return m;
}

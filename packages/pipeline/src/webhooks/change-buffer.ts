import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { BufferedChange } from './webhook-body.ts';

export type BufferedEntry = { entryId: string; change: BufferedChange | null };

const GROUP = 'drain';

/**
 * The durable hand-off between a delivery and its jobs: a Redis stream (`<prefix>:webhook:changes`) with one consumer
 * group. The receiver answers 200 once XADD returned (the change is in Redis, where the queues are); the drainer
 * reads many changes at once, so a burst becomes a few transform jobs instead of one job per change. An entry is
 * acknowledged and deleted only after its jobs are queued; entries a dead drainer held are claimed after a minute.
 * Entries hold sanitized records only (the PII allow-list ran before), never a body as received.
 */
export class ChangeBuffer {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #consumer = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  #group: Promise<void> | undefined;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = `${prefix}:webhook:changes`;
  }

  get key(): string {
    return this.#key;
  }

  async add(change: BufferedChange): Promise<string> {
    return (await this.#redis.xadd(this.#key, '*', 'c', JSON.stringify(change))) as string;
  }

  #ensureGroup(): Promise<void> {
    this.#group ??= this.#redis.xgroup('CREATE', this.#key, GROUP, '0', 'MKSTREAM').then(
      () => undefined,
      (err: Error) => {
        if (!/BUSYGROUP/.test(err.message)) {
          this.#group = undefined;
          throw err;
        }
      },
    );
    return this.#group;
  }

  /** This drainer's unacknowledged entries first (a drain that failed half-way), else new ones; at most `count`. */
  async read(count: number): Promise<BufferedEntry[]> {
    await this.#ensureGroup();
    for (const from of ['0', '>']) {
      const res = (await this.#redis.xreadgroup('GROUP', GROUP, this.#consumer, 'COUNT', count, 'STREAMS', this.#key, from)) as Array<
        [string, Array<[string, string[]]>]
      > | null;
      const entries = parseEntries(res?.[0]?.[1] ?? []);
      if (entries.length > 0) return entries;
    }
    return [];
  }

  /** Takes over entries another drainer read but never acknowledged for `minIdleMs` (it died). */
  async claimStale(minIdleMs: number, count: number): Promise<number> {
    await this.#ensureGroup();
    const res = (await this.#redis.xautoclaim(this.#key, GROUP, this.#consumer, minIdleMs, '0-0', 'COUNT', count)) as [string, unknown[]];
    return res[1]?.length ?? 0;
  }

  async ack(entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    await this.#redis
      .multi()
      .xack(this.#key, GROUP, ...entryIds)
      .xdel(this.#key, ...entryIds)
      .exec();
  }

  /** Entries not yet drained (queued or being drained). */
  async depth(): Promise<number> {
    return this.#redis.xlen(this.#key);
  }
}

function parseEntries(raw: Array<[string, string[] | null]>): BufferedEntry[] {
  return raw.map(([entryId, fields]) => {
    const i = fields ? fields.indexOf('c') : -1;
    let change: BufferedChange | null = null;
    try {
      change = i >= 0 && fields ? (JSON.parse(fields[i + 1] ?? '') as BufferedChange) : null;
    } catch {
      change = null;
    }
    return { entryId, change };
  });
}

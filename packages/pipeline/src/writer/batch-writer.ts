import { createHash } from 'node:crypto';
import type { ClickHouseClient, Logger } from '@qtp/shared';

export type Row = Record<string, unknown>;

type Waiter = { resolve: () => void; reject: (err: Error) => void };
type Buffer = { rows: Row[]; bytes: number; jobIds: string[]; waiters: Waiter[]; timer: NodeJS.Timeout | undefined };

export type BatchWriterOptions = {
  /** Flush a table's buffer when it holds this many rows, or about this many bytes of JSON (memory stays bounded)... */
  batchRows: number;
  batchBytes?: number;
  /** ...or this long after its first row arrived. */
  flushMs: number;
  log: Logger;
  /** Log what would be written instead of writing. */
  dryRun?: boolean;
  /** Called after ClickHouse confirmed an insert, before the jobs in it are released (tests use it to crash here). */
  afterInsert?: (table: string, rows: number) => Promise<void>;
  /** Observer (metrics): every insert, confirmed or failed, with its row count and latency. Must not throw. */
  onInsert?: (e: { table: string; rows: number; durationMs: number; ok: boolean }) => void;
};

/**
 * Honest batching (design note 3): a job's rows join a per-table buffer and the job waits for the insert that holds
 * them; the buffer flushes at N rows or T ms. A failed insert fails every job in the batch, and each retries. Every
 * insert carries a deduplication token derived from the jobs in it, so a retried identical batch is not doubled;
 * a batch formed differently after a crash may duplicate rows, which ReplacingMergeTree and FINAL absorb.
 */
export class BatchWriter {
  readonly #ch: ClickHouseClient;
  readonly #o: BatchWriterOptions;
  readonly #buffers = new Map<string, Buffer>();
  readonly #inflight = new Set<Promise<void>>();

  constructor(ch: ClickHouseClient, options: BatchWriterOptions) {
    this.#ch = ch;
    this.#o = options;
  }

  /** Resolves once every row of `tables` is confirmed by ClickHouse (or logged, in dry-run mode). */
  async write(jobId: string, tables: Record<string, Row[]>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [table, rows] of Object.entries(tables)) {
      if (rows.length === 0) continue;
      waits.push(this.#enqueue(table, jobId, rows));
    }
    await Promise.all(waits);
  }

  #enqueue(table: string, jobId: string, rows: Row[]): Promise<void> {
    let buf = this.#buffers.get(table);
    if (!buf) {
      buf = { rows: [], bytes: 0, jobIds: [], waiters: [], timer: undefined };
      this.#buffers.set(table, buf);
    }
    const b = buf;
    const done = new Promise<void>((resolve, reject) => b.waiters.push({ resolve, reject }));
    for (const r of rows) b.rows.push(r);
    // The size of a job's rows, estimated from its first row (rows of one table have one shape): cheap and close.
    b.bytes += (JSON.stringify(rows[0])?.length ?? 0) * rows.length;
    b.jobIds.push(jobId);
    if (b.rows.length >= this.#o.batchRows || b.bytes >= (this.#o.batchBytes ?? Number.POSITIVE_INFINITY)) this.#flush(table);
    else b.timer ??= setTimeout(() => this.#flush(table), this.#o.flushMs);
    return done;
  }

  #flush(table: string): void {
    const buf = this.#buffers.get(table);
    if (!buf || buf.rows.length === 0) return;
    this.#buffers.delete(table);
    if (buf.timer) clearTimeout(buf.timer);
    const p = this.#insert(table, buf).then(
      () => {
        for (const w of buf.waiters) w.resolve();
      },
      (err: Error) => {
        for (const w of buf.waiters) w.reject(err);
      },
    );
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  async #insert(table: string, buf: Buffer): Promise<void> {
    const token = createHash('sha256')
      .update(`${table}\n${[...buf.jobIds].sort().join('\n')}\n${buf.rows.length}`)
      .digest('hex');
    const log = this.#o.log.child({ table, rows: buf.rows.length, jobs: buf.jobIds.length });
    if (this.#o.dryRun) {
      log.info({ sample: buf.rows.slice(0, 2) }, 'dry run: would insert');
      return;
    }
    const started = Date.now();
    const inserted = this.#ch.insert({
      table,
      values: buf.rows,
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0, insert_deduplicate: 1, insert_deduplication_token: token },
    });
    const observe = (ok: boolean) => this.#o.onInsert?.({ table, rows: buf.rows.length, durationMs: Date.now() - started, ok });
    inserted.then(
      () => observe(true),
      () => observe(false),
    );
    await inserted;
    log.debug({ ms: Date.now() - started }, 'batch inserted');
    if (this.#o.afterInsert) await this.#o.afterInsert(table, buf.rows.length);
  }

  /** Flushes everything buffered and waits for in-flight inserts (shutdown). */
  async drain(): Promise<void> {
    for (const table of [...this.#buffers.keys()]) this.#flush(table);
    await Promise.allSettled([...this.#inflight]);
  }
}

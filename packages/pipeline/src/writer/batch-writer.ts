import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient, Logger } from '@qtp/shared';
import { IDENT } from '../common/sql.ts';
import { chunkRows, type InsertChunk, toInsertChunk } from '../jobs/insert-chunks.ts';

export type Row = Record<string, unknown>;

type Waiter = { resolve: () => void; reject: (err: Error) => void };
/** One insert in the making: the bodies of the jobs' chunks of one table, format and column list. */
type Batch = {
  table: string;
  format: InsertChunk['format'];
  columns: string[];
  bodies: Array<string | globalThis.Buffer>;
  rows: number;
  bytes: number;
  jobIds: string[];
  waiters: Waiter[];
  timer: NodeJS.Timeout | undefined;
};

export type BatchWriterOptions = {
  /** Flush a table's buffer when it holds this many rows, or this many bytes of insert body (memory stays bounded)... */
  batchRows: number;
  batchBytes?: number;
  /** ...or this long after its first row arrived... */
  flushMs: number;
  /**
   * ...or at once when this many jobs wait for buffered rows: the worker's concurrency, so no further job can join
   * (without it a full worker would idle until the timer).
   */
  capacity?: number;
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
  readonly #buffers = new Map<string, Batch>();
  readonly #inflight = new Set<Promise<void>>();
  /** Jobs with rows still buffered, and in how many buffers. */
  readonly #waiting = new Map<string, number>();

  constructor(ch: ClickHouseClient, options: BatchWriterOptions) {
    this.#ch = ch;
    this.#o = options;
  }

  /**
   * Resolves once every row of `tables` is confirmed by ClickHouse (or logged, in dry-run mode). A table's rows come
   * insert-ready (a write job's chunks) or as objects, which are encoded here.
   */
  async write(jobId: string, tables: Record<string, readonly Row[] | InsertChunk>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [table, value] of Object.entries(tables)) {
      const chunk = Array.isArray(value) ? toInsertChunk(value) : (value as InsertChunk);
      if (chunk.rows === 0) continue;
      waits.push(this.#enqueue(table, jobId, chunk));
    }
    if (this.#o.capacity !== undefined && this.#waiting.size >= this.#o.capacity) this.#flushAll();
    await Promise.all(waits);
  }

  #enqueue(table: string, jobId: string, chunk: InsertChunk): Promise<void> {
    const key = `${table}\n${chunk.format}\n${chunk.columns.join(',')}`;
    let buf = this.#buffers.get(key);
    if (!buf) {
      buf = { table, format: chunk.format, columns: chunk.columns, bodies: [], rows: 0, bytes: 0, jobIds: [], waiters: [], timer: undefined };
      this.#buffers.set(key, buf);
    }
    const b = buf;
    const done = new Promise<void>((resolve, reject) => b.waiters.push({ resolve, reject }));
    b.bodies.push(chunk.body);
    b.rows += chunk.rows;
    b.bytes += typeof chunk.body === 'string' ? Buffer.byteLength(chunk.body) : chunk.body.length;
    b.jobIds.push(jobId);
    this.#waiting.set(jobId, (this.#waiting.get(jobId) ?? 0) + 1);
    if (b.rows >= this.#o.batchRows || b.bytes >= (this.#o.batchBytes ?? Number.POSITIVE_INFINITY)) this.#flush(key);
    else b.timer ??= setTimeout(() => this.#flush(key), this.#o.flushMs);
    return done;
  }

  #flushAll(): void {
    for (const key of [...this.#buffers.keys()]) this.#flush(key);
  }

  #flush(key: string): void {
    const buf = this.#buffers.get(key);
    if (!buf || buf.rows === 0) return;
    this.#buffers.delete(key);
    if (buf.timer) clearTimeout(buf.timer);
    for (const id of buf.jobIds) {
      const n = (this.#waiting.get(id) ?? 1) - 1;
      if (n > 0) this.#waiting.set(id, n);
      else this.#waiting.delete(id);
    }
    const p = this.#insert(buf).then(
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

  async #insert(buf: Batch): Promise<void> {
    const { table } = buf;
    const token = createHash('sha256')
      .update(`${table}\n${[...buf.jobIds].sort().join('\n')}\n${buf.rows}`)
      .digest('hex');
    const log = this.#o.log.child({ table, rows: buf.rows, jobs: buf.jobIds.length });
    if (this.#o.dryRun) {
      const sample = chunkRows({ format: buf.format, columns: buf.columns, rows: buf.rows, body: buf.bodies[0] ?? '' }, 2);
      log.info({ sample }, 'dry run: would insert');
      return;
    }
    const started = Date.now();
    const columns = buf.columns.length > 0 ? ` (${buf.columns.map(ident).join(', ')})` : '';
    // The bodies go to ClickHouse as they came (never parsed here): one request, the jobs' lines back to back.
    const inserted = this.#ch
      .exec({
        query: `INSERT INTO ${ident(table)}${columns} FORMAT ${buf.format}`,
        values: Readable.from(buf.bodies, { objectMode: false }),
        clickhouse_settings: { async_insert: 0, insert_deduplicate: 1, insert_deduplication_token: token },
      })
      .then(async (res) => {
        res.stream.resume();
        await finished(res.stream);
      });
    const observe = (ok: boolean) => this.#o.onInsert?.({ table, rows: buf.rows, durationMs: Date.now() - started, ok });
    inserted.then(
      () => observe(true),
      () => observe(false),
    );
    await inserted;
    log.debug({ ms: Date.now() - started }, 'batch inserted');
    if (this.#o.afterInsert) await this.#o.afterInsert(table, buf.rows);
  }

  /** Flushes everything buffered and waits for in-flight inserts (shutdown). */
  async drain(): Promise<void> {
    this.#flushAll();
    await Promise.allSettled([...this.#inflight]);
  }
}

/** A table or column name spliced into the INSERT: ours (declarations, row builders), checked all the same. */
function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`"${name}" is not a table or column name the writer inserts into`);
  return name;
}

import { createLogger } from '@qtp/shared';
import { count, type TestClickHouse, testWarehouse } from '@qtp/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChunksCodec, toInsertChunk } from '../src/jobs/insert-chunks.ts';
import { BatchWriter } from '../src/writer/batch-writer.ts';

/** Rows as the writer gets them from a write job's claim: bytes, sliced out of the stored body. */
const chunkOf = (rows: Array<Record<string, unknown>>) =>
  insertChunksCodec.decode(Buffer.from(insertChunksCodec.encode({ t: toInsertChunk(rows) }))).t as ReturnType<typeof toInsertChunk>;

const log = createLogger({ name: 'writer-test', level: 'silent' });

const quarantineRow = (key: string, at = '2026-11-20 10:00:00.000') => ({
  stream: 'orders',
  record_key: key,
  reason: 'test',
  raw: '{}',
  first_seen: at,
  last_seen: at,
  seen_count: 1,
});

const orderRow = (id: number, ver: string, price = '100.00') => ({
  order_id: id,
  client_hash: '',
  event_id: 1,
  site_id: null,
  payment_id: null,
  payment_type_id: 'card',
  backend_user_id: null,
  discount_id: null,
  promo_code_id: null,
  access_code_id: null,
  status: 'paid',
  payed: 1,
  payed_at: ver,
  reserved: 0,
  reserved_to: null,
  price,
  original_price: price,
  currency_id: 'RUB',
  tickets_count: 1,
  tickets_sold: 1,
  tickets_refunded: 0,
  refunded_amount: '0.00',
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  created_at: '2026-11-01 10:00:00.000',
  updated_at: ver,
  deleted_at: null,
  sale_date_msk: '2026-11-01',
  created_date_msk: '2026-11-01',
  _ver: ver,
});

describe('BatchWriter against a real ClickHouse', () => {
  let ch: TestClickHouse;
  beforeAll(async () => {
    ch = await testWarehouse('writer');
  });
  afterAll(async () => ch.close());

  it('batches concurrent jobs into one insert and releases each job only after it', async () => {
    const inserts: number[] = [];
    const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 200, log, afterInsert: async (_t, rows) => void inserts.push(rows) });
    const released: string[] = [];
    const jobs = [1, 2, 3, 4, 5].map((i) =>
      writer.write(`job-${i}`, { stg_qtickets_api_orders_raw: [orderRow(100 + i, '2026-11-01 10:00:00.000')] }).then(() => released.push(`job-${i}`)),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(released).toEqual([]); // still buffered: nothing acknowledged before ClickHouse confirmed it
    await Promise.all(jobs);
    expect(inserts).toEqual([5]);
    expect(await count(ch, 'SELECT count() FROM stg_qtickets_api_orders_raw WHERE order_id BETWEEN 101 AND 105')).toBe(5);
  });

  it('flushes at the row limit without waiting for the timer', async () => {
    const writer = new BatchWriter(ch.client, { batchRows: 3, flushMs: 60_000, log });
    const started = Date.now();
    await writer.write('big', { quarantine: [quarantineRow('a1'), quarantineRow('a2'), quarantineRow('a3')] });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('flushes at once when as many jobs wait as the worker can hold (capacity), one insert per table and shape', async () => {
    const inserts: Array<[string, number]> = [];
    const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 60_000, capacity: 3, log, afterInsert: async (t, n) => void inserts.push([t, n]) });
    const started = Date.now();
    await Promise.all(
      [1, 2, 3].map((i) =>
        writer.write(`cap-${i}`, {
          // as a write job brings them (insert-ready bytes from Redis), or as objects
          stg_qtickets_api_orders_raw: i === 1 ? [orderRow(601, '2026-11-06 10:00:00.000')] : chunkOf([orderRow(600 + i, '2026-11-06 10:00:00.000')]),
          // job 3's rows differ in shape: object lines, a second insert into the table
          quarantine: i === 3 ? [quarantineRow(`c${i}`), { ...quarantineRow('c0'), seen_count: undefined }] : [quarantineRow(`c${i}`)],
        }),
      ),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(inserts.sort()).toEqual([
      ['quarantine', 2],
      ['quarantine', 2],
      ['stg_qtickets_api_orders_raw', 3],
    ]);
    expect(await count(ch, 'SELECT count() FROM stg_qtickets_api_orders_raw WHERE order_id BETWEEN 601 AND 603')).toBe(3);
    expect(await count(ch, "SELECT count() FROM quarantine WHERE record_key IN ('c0', 'c1', 'c2', 'c3')")).toBe(4);
  });

  it('does not double a retried batch of the same jobs, even with its rows in another order (deduplication token)', async () => {
    const rows = [orderRow(201, '2026-11-02 10:00:00.000'), orderRow(202, '2026-11-02 10:00:00.000')];
    for (let i = 0; i < 3; i++) {
      const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 10, log });
      // ClickHouse would dedupe byte-identical blocks by itself: a different row order needs the token
      await writer.write('retried-job', { stg_qtickets_api_orders_raw: i % 2 === 0 ? rows : [...rows].reverse() });
    }
    expect(await count(ch, 'SELECT count() FROM stg_qtickets_api_orders_raw WHERE order_id IN (201, 202)')).toBe(2);
  });

  it('fails every job of a batch whose insert fails, and writes none of it', async () => {
    const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 20, log });
    const good = writer.write('good', { stg_qtickets_api_orders_raw: [orderRow(301, '2026-11-03 10:00:00.000')] });
    const bad = writer.write('bad', { stg_qtickets_api_orders_raw: [{ ...orderRow(302, '2026-11-03 10:00:00.000'), price: 'not money' }] });
    await expect(good).rejects.toThrow();
    await expect(bad).rejects.toThrow();
    expect(await count(ch, 'SELECT count() FROM stg_qtickets_api_orders_raw WHERE order_id IN (301, 302)')).toBe(0);
  });

  it('newest version wins under FINAL, whatever the arrival order', async () => {
    const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 10, log });
    await writer.write('v2', { stg_qtickets_api_orders_raw: [orderRow(401, '2026-11-05 10:00:00.000', '200.00')] });
    await writer.write('v1', { stg_qtickets_api_orders_raw: [orderRow(401, '2026-11-04 10:00:00.000', '100.00')] });
    const rs = await ch.client.query({
      query: 'SELECT toString(price) AS p, count() OVER () AS n FROM stg_qtickets_api_orders_raw FINAL WHERE order_id = 401',
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ p: '200', n: '1' }]);
  });

  it('writes nothing in dry-run mode but still releases the job', async () => {
    const writer = new BatchWriter(ch.client, { batchRows: 1_000, flushMs: 10, log, dryRun: true });
    await writer.write('dry', { stg_qtickets_api_orders_raw: [orderRow(501, '2026-11-05 10:00:00.000')] });
    expect(await count(ch, 'SELECT count() FROM stg_qtickets_api_orders_raw WHERE order_id = 501')).toBe(0);
  });
});

/**
 * `pnpm bench`: prints speed and memory figures of the parts that bound a load, measured side by side in one run
 * on this machine (an embedded ClickHouse and Redis are started for it). Results go to docs/benchmarks.md by hand.
 *
 *   1. simulator: start-up with 100k orders, heap, page latency (median, p95) over the HTTP API
 *   2. client: a full walk of the 100k orders (pages/s), with and without 30 % 503s
 *   3. writer: order-line rows/s into ClickHouse and inserts (new parts) with small vs default batches
 *   4. transform: orders/s through the pure PII allow-list + transform
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startClickHouse } from '@qtp/embedded';
import { BatchWriter, ORDER_TABLES, sanitizeOrder, transformOrder } from '@qtp/pipeline';
import { createQTicketsClient } from '@qtp/qtickets-client';
import { createClickHouse, createClickHouseAdmin, createLogger, Migrator } from '@qtp/shared';
import { startSimulator } from '@qtp/simulator';

const log = createLogger({ name: 'bench', level: 'silent' });
const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const out = (line: string) => process.stdout.write(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), 'qtp-bench-'));
const ch = await startClickHouse({ dataDir: join(dir, 'ch') });
try {
  out(`node ${process.version}, ${new Date().toISOString()}`);

  // 1. simulator
  const heap0 = process.memoryUsage().heapUsed;
  let t0 = performance.now();
  const sim = await startSimulator({ seed: 1, orders: 100_000 });
  const startMs = ms(t0);
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  out(`simulator: 100,000 orders ready in ${fmt(startMs)} ms, heap +${fmt(heapMb)} MB`);

  // 2. client walk
  const client = createQTicketsClient({ baseUrl: sim.apiBaseUrl, token: sim.token, logger: log, retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
  const latencies: number[] = [];
  const records: unknown[] = [];
  t0 = performance.now();
  for (let page = 1; page <= 2_000; page++) {
    const t = performance.now();
    const res = await client.listPage('orders', { page });
    latencies.push(ms(t));
    if (page <= 200) records.push(...res.data);
  }
  const walkMs = ms(t0);
  latencies.sort((a, b) => a - b);
  out(
    `client walk: 2,000 pages in ${fmt(walkMs)} ms (${fmt(2_000 / (walkMs / 1000))} pages/s); page latency median ${fmt(latencies[1_000] ?? 0, 1)} ms, p95 ${fmt(latencies[1_900] ?? 0, 1)} ms`,
  );
  sim.setFaults({ error503Rate: 0.3 });
  t0 = performance.now();
  for (let page = 1; page <= 500; page++) await client.listPage('orders', { page });
  const faultyMs = ms(t0);
  sim.setFaults({ error503Rate: 0 });
  out(
    `client walk with 30 % 503s: 500 pages in ${fmt(faultyMs)} ms (${fmt(500 / (faultyMs / 1000))} pages/s; ${fmt(faultyMs / (walkMs / 4), 2)}× the clean time)`,
  );
  await sim.close();

  // 4. transform
  const salt = 'bench-salt-0123456789abcdef';
  t0 = performance.now();
  const results = records.map((r) => transformOrder(sanitizeOrder(r, salt)));
  const transformMs = ms(t0);
  const lines = results.flatMap((r) => (r.kind === 'rows' ? r.lines : []));
  out(
    `transform: ${fmt(records.length)} orders (${fmt(lines.length)} lines) in ${fmt(transformMs)} ms (${fmt(records.length / (transformMs / 1000))} orders/s)`,
  );

  // 3. writer batch sizes, side by side
  const settings = { CLICKHOUSE_URL: ch.url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_DATABASE: 'bench' };
  const admin = createClickHouseAdmin(settings);
  await new Migrator(admin, { dir: resolve(import.meta.dirname, '../migrations'), database: 'bench', log }).up();
  await admin.close();
  const chClient = createClickHouse(settings);
  const rows = Array.from({ length: 5 }, (_, copy) => lines.map((l) => ({ ...l, basket_id: l.basket_id + copy * 10_000_000 }))).flat();
  const rates: Record<string, number> = {};
  const inserts: Record<string, number> = {};
  for (const batchRows of [1_000, 50_000]) {
    inserts[batchRows] = 0;
    const writer = new BatchWriter(chClient, {
      batchRows,
      flushMs: 1_000,
      log,
      afterInsert: async () => {
        inserts[batchRows] = (inserts[batchRows] ?? 0) + 1;
      },
    });
    t0 = performance.now();
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < rows.length; i += 50) jobs.push(writer.write(`bench-${batchRows}-${i}`, { [ORDER_TABLES.lines]: rows.slice(i, i + 50) }));
    await Promise.all(jobs);
    const wMs = ms(t0);
    rates[batchRows] = rows.length / (wMs / 1000);
    out(
      `writer: ${fmt(rows.length)} order lines in batches of ${fmt(batchRows)}: ${fmt(wMs)} ms (${fmt(rates[batchRows] ?? 0)} rows/s), ${inserts[batchRows]} inserts`,
    );
  }
  out(
    `writer: batches of 50,000 vs 1,000: ${fmt((rates[50_000] ?? 0) / (rates[1_000] ?? 1), 2)}× the throughput with ` +
      `${fmt((inserts[1_000] ?? 0) / Math.max(1, inserts[50_000] ?? 1), 0)}× fewer inserts (new parts for ClickHouse to merge)`,
  );
  await chClient.close();
} finally {
  await ch.stop();
  rmSync(dir, { recursive: true, force: true });
}

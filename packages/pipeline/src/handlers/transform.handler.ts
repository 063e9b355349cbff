import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import type { transformJob } from '../jobs/transform.job.ts';
import { TABLES, writeJob } from '../jobs/write.job.ts';
import { toClickHouseUtc } from '../transform/moscow-time.ts';
import type { OrderLineRow, OrderRow, QuarantineRow } from '../transform/order-rows.ts';
import { transformOrder } from '../transform/orders.transform.ts';

export type TransformDeps = { writeQueue: Queue };

/** Validates every record; bad ones go to quarantine with their reason while the rest of the page goes on. */
export async function handleTransform(p: z.output<typeof transformJob.schema>, deps: TransformDeps, log: Logger): Promise<JobOutcome> {
  const orders: OrderRow[] = [];
  const lines: OrderLineRow[] = [];
  const quarantine: QuarantineRow[] = [];
  let maxId = 0;
  let maxUpdatedAtMs = 0;
  const seenAt = toClickHouseUtc(p.fetchedAt);
  for (const record of p.records) {
    const r = transformOrder(record);
    if (r.kind === 'quarantine') {
      quarantine.push({ stream: p.stream, record_key: r.recordKey, reason: r.reason, raw: r.raw, first_seen: seenAt, last_seen: seenAt, seen_count: 1 });
      continue;
    }
    orders.push(r.order);
    lines.push(...r.lines);
    maxId = Math.max(maxId, r.orderId);
    maxUpdatedAtMs = Math.max(maxUpdatedAtMs, Date.parse(r.updatedAt));
  }
  if (quarantine.length > 0) log.warn({ quarantined: quarantine.length, keys: quarantine.slice(0, 5).map((q) => q.record_key) }, 'records quarantined');
  await enqueue(deps.writeQueue, writeJob, {
    runId: p.runId,
    stream: p.stream,
    source: p.source,
    rows: { [TABLES.orders]: orders, [TABLES.orderLines]: lines, [TABLES.quarantine]: quarantine },
    stats: { fetched: p.records.length, valid: orders.length, quarantined: quarantine.length, maxId, maxUpdatedAtMs, filterIgnored: p.filterIgnored },
  });
  return { status: 'ok', detail: { valid: orders.length, lines: lines.length, quarantined: quarantine.length } };
}

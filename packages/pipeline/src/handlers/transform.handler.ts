import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import type { transformJob } from '../jobs/transform.job.ts';
import { TABLES, type WritePayload, writeJob } from '../jobs/write.job.ts';
import { type EventTransformResult, type ShowRow, transformEvent } from '../transform/events.transform.ts';
import { toClickHouseUtc } from '../transform/moscow-time.ts';
import type { OrderLineRow, OrderRow, QuarantineRow } from '../transform/order-rows.ts';
import { type OrderTransformResult, transformOrder } from '../transform/orders.transform.ts';
import type { TransformFailure } from '../transform/quarantine.ts';

export type TransformDeps = { writeQueue: Queue };

type TransformPayload = z.output<typeof transformJob.schema>;
type Ok = Exclude<OrderTransformResult | EventTransformResult, TransformFailure>;

/** Validates every record; bad ones go to quarantine with their reason while the rest of the page goes on. */
export async function handleTransform(p: TransformPayload, deps: TransformDeps, log: Logger): Promise<JobOutcome> {
  const orders: OrderRow[] = [];
  const lines: OrderLineRow[] = [];
  const shows: ShowRow[] = [];
  const quarantine: QuarantineRow[] = [];
  let maxId = 0;
  let maxUpdatedAtMs = 0;
  const seenAt = toClickHouseUtc(p.fetchedAt);
  const transform: (r: unknown) => OrderTransformResult | EventTransformResult = p.stream === 'orders' ? transformOrder : transformEvent;
  for (const record of p.records) {
    const r = transform(record);
    if (r.kind === 'quarantine') {
      quarantine.push({ stream: p.stream, record_key: r.recordKey, reason: r.reason, raw: r.raw, first_seen: seenAt, last_seen: seenAt, seen_count: 1 });
      continue;
    }
    collect(r, orders, lines, shows);
    maxId = Math.max(maxId, 'orderId' in r ? r.orderId : r.eventId);
    maxUpdatedAtMs = Math.max(maxUpdatedAtMs, Date.parse(r.updatedAt));
  }
  if (quarantine.length > 0) log.warn({ quarantined: quarantine.length, keys: quarantine.slice(0, 5).map((q) => q.record_key) }, 'records quarantined');
  const valid = p.records.length - quarantine.length;
  const payload: WritePayload = {
    runId: p.runId,
    stream: p.stream,
    source: p.source,
    rows: { [TABLES.orders]: orders, [TABLES.orderLines]: lines, [TABLES.shows]: shows, [TABLES.quarantine]: quarantine },
    stats: { fetched: p.records.length, valid, quarantined: quarantine.length, maxId, maxUpdatedAtMs, filterIgnored: p.filterIgnored },
  };
  await enqueue(deps.writeQueue, writeJob, payload);
  return { status: 'ok', detail: { valid, rows: orders.length + lines.length + shows.length, quarantined: quarantine.length } };
}

function collect(r: Ok, orders: OrderRow[], lines: OrderLineRow[], shows: ShowRow[]): void {
  if ('order' in r) {
    orders.push(r.order);
    lines.push(...r.lines);
  } else {
    shows.push(...r.shows);
  }
}

import { enqueue, type JobOutcome, type Logger } from '@qtp/shared';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import { toClickHouseUtc } from '../common/moscow-time.ts';
import { QUARANTINE_TABLE } from '../common/quarantine.ts';
import { toInsertTables } from '../jobs/insert-chunks.ts';
import type { transformJob } from '../jobs/transform.job.ts';
import { type WritePayload, writeJob } from '../jobs/write.job.ts';
import { rawLandingOn, rawRow } from '../streams/raw-landing.ts';
import { streamByName } from '../streams/registry.ts';
import { type Row, rawTableOf, type StreamDefinition } from '../streams/stream.ts';

export type TransformDeps = {
  writeQueue: Queue;
  /** RAW_LANDING: which streams land their records in raw_qtickets_<stream> (`all`, `none` or a list). */
  rawLanding?: string;
  /** Tests only: a changed transform of a stream (e.g. one that fills a new column), in place of the declared one. */
  transforms?: Partial<Record<string, StreamDefinition['transform']>>;
};

type TransformPayload = z.output<typeof transformJob.schema>;

/** Validates every record with its stream's transform; bad ones go to quarantine with their reason, the rest go on. */
export async function handleTransform(p: TransformPayload, deps: TransformDeps, log: Logger): Promise<JobOutcome> {
  const stream = streamByName(p.stream);
  const tables: Record<string, Row[]> = {};
  const add = (table: string, rows: Row[]) => {
    if (rows.length === 0) return;
    const into = tables[table];
    if (into) for (const r of rows) into.push(r);
    else tables[table] = [...rows];
  };
  const quarantine: Row[] = [];
  let maxId = 0;
  let maxUpdatedAtMs = 0;
  const seenAt = toClickHouseUtc(p.fetchedAt);
  const ctx = { fetchedAt: p.fetchedAt, runId: p.runId, ...(p.parent ? { parent: p.parent } : {}) };
  const transform = deps.transforms?.[p.stream] ?? stream.transform;
  const land = !p.replayed && rawLandingOn(deps.rawLanding ?? 'all', p.stream);
  const raw: Row[] = [];
  for (const [i, record] of p.records.entries()) {
    const at = p.replayed?.[i];
    const r = transform(record, at ? { fetchedAt: at.fetchedAt, runId: at.runId, ...(at.parent ? { parent: at.parent } : {}) } : ctx);
    if (land) raw.push(rawRow(stream, record, r, { runId: p.runId, source: p.source, fetchedAt: p.fetchedAt, parent: p.parent }));
    if (r.kind === 'quarantine') {
      quarantine.push({ stream: p.stream, record_key: r.recordKey, reason: r.reason, raw: r.raw, first_seen: seenAt, last_seen: seenAt, seen_count: 1 });
      continue;
    }
    for (const [table, rows] of Object.entries(r.rows)) add(table, rows);
    maxId = Math.max(maxId, r.id ?? 0);
    maxUpdatedAtMs = Math.max(maxUpdatedAtMs, r.updatedAtMs ?? 0);
  }
  if (quarantine.length > 0) {
    log.warn({ quarantined: quarantine.length, keys: quarantine.slice(0, 5).map((q) => q.record_key) }, 'records quarantined');
    add(QUARANTINE_TABLE, quarantine);
  }
  // The raw landing is one more table of the same write job: it is confirmed in the same batches as the rows.
  add(rawTableOf(p.stream), raw);
  const valid = p.records.length - quarantine.length;
  const payload: WritePayload = {
    runId: p.runId,
    stream: p.stream,
    source: p.source,
    rows: toInsertTables(tables),
    stats: { fetched: p.records.length, valid, quarantined: quarantine.length, maxId, maxUpdatedAtMs, filterIgnored: p.filterIgnored },
    ...(p.receivedAtMs !== undefined ? { receivedAtMs: p.receivedAtMs } : {}),
  };
  await enqueue(deps.writeQueue, writeJob, payload);
  const rawTable = rawTableOf(p.stream);
  const rows = Object.entries(tables).reduce((n, [t, rs]) => n + (t === QUARANTINE_TABLE || t === rawTable ? 0 : rs.length), 0);
  return { status: 'ok', detail: { valid, rows, quarantined: quarantine.length } };
}

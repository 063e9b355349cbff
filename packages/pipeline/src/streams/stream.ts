import type { ClickHouseClient, Logger } from '@qtp/shared';
import type { z } from 'zod';
import type { FilterVerifier, ListPageResult, PageParams, PartnersApi, QTicketsApi } from '../common/api.port.ts';
import type { TransformFailure } from '../common/quarantine.ts';
import type { RunInfo } from '../state/run-tracker.ts';
import type { StreamState } from '../state/state.repository.ts';
import type { WebhookDeclaration } from './webhook.ts';

/**
 * A stream is one declared module (streams/<name>/<name>.stream.ts): where its records come from, how a run decides
 * what to read, what may leave the fetcher, how a record becomes rows per table, and when it runs. The four stages
 * are generic and only call these declarations; adding a list stream is its folder, its migration and one line in
 * streams/registry.ts.
 */
export type RunMode = 'incremental' | 'reconcile' | 'backfill';
/** Modes of a run: the stream's own, plus `replay` (re-derives its tables from the raw landing, no API request). */
export type AnyRunMode = RunMode | 'replay';

/** A stream's scheduler settings as zod fields, and what they parse to (what its code reads, typed). */
export type SettingsShape = z.ZodRawShape;
export type SettingsOf<S extends SettingsShape> = z.output<z.ZodObject<S>>;
/** Settings as generic code sees them (each stream reads its own, typed, through its declaration). */
export type AnySettings = Record<string, unknown>;

/**
 * A table the stream writes, as its migration creates it: the natural key (ORDER BY), the ReplacingMergeTree version
 * column, and for full-refresh tables the refresh columns (`_run_id`, `vanished_at` and the deletion flag) with which a
 * complete run marks what vanished upstream (only among the parents it refreshed, for per-parent streams).
 */
export type TableDeclaration = {
  name: string;
  key: readonly string[];
  version: string;
  refresh?: {
    deletedColumn: string;
    /** What the column says once the row is gone: 1 for an `is_deleted` flag, 0 for an `is_valid` one. */
    deletedValue: 0 | 1;
    parents?: { table: string; keys: readonly string[] };
  };
};

/**
 * The raw landing of a stream (`raw_qtickets_<stream>`, see rawTableOf): every sanitized record exactly as the
 * fetcher handed it to the transformer. `history` keeps every version of a record (one row per natural id and
 * version, dropped after RAW_RETENTION); `latest` keeps one row per natural id (the highest version).
 */
export type RawLanding = {
  mode: 'history' | 'latest';
  /** The record's natural id, for records without a numeric `id` (default: `id`, else a hash of parent and content). */
  key?: (record: unknown) => string;
};

export type Row = Record<string, unknown>;

/** What one valid record becomes: rows per target table, plus the cursor facts a run folds into the stream's state. */
export type RecordRows = {
  kind: 'rows';
  rows: Record<string, Row[]>;
  /** Natural id of the record (the run's highest one becomes the stream's high-water id when its sync uses one). */
  id?: number;
  /** The record's updated_at as epoch ms (the run's latest one becomes the changed-records watermark). */
  updatedAtMs?: number;
};
export type RecordResult = RecordRows | TransformFailure;

export type TransformContext = {
  /** When the fetcher read the record (ISO UTC); full-refresh streams use it as the row version. */
  fetchedAt: string;
  runId: string;
  /** Per-parent sources: the parent the records belong to (e.g. the show). */
  parent?: ParentRef;
};

/** A page of a list endpoint, as planned by a sync strategy and carried by one fetch job. */
export type PlannedPage = {
  /** Which of the strategy's queries the page belongs to (part of its source id): `list` for an unfiltered page. */
  query: string;
  page: number;
  where?: Array<{ column: string; operator?: string; value?: unknown }>;
  orderBy?: Record<string, 'asc' | 'desc'>;
  /** Opaque to the stages: what the stream's sync strategy wants back in `afterPage` (e.g. the orders' tail walk). */
  meta?: Record<string, string | number | boolean | null>;
};

/** Fetcher side, after a page was read: the page as planned, and its records as the API sent them. */
export type AfterPageContext = { unit: PlannedPage; data: unknown[] };

/** One request (or a few) about one parent record, e.g. a show's seats: carried by one fetch job. */
export type ParentRef = Record<string, string | number | boolean | null>;
export type PlannedItem = { query: 'item'; key: string; parent: ParentRef };
export type PlannedUnit = PlannedPage | PlannedItem;

/**
 * Where records come from: a paged list endpoint of the REST API (`GET /<resource>`), one served whole without
 * paging, or a per-parent endpoint (`GET /shows/{id}/seats`) whose `fetch` returns the parent's records.
 */
export type ListResourceName = 'orders' | 'events' | 'clients' | 'discounts' | 'promo-codes';
export type UnpagedResourceName = 'color-themes';
export type ParentFetchContext = {
  api: QTicketsApi;
  /** The Partners API client, or null when this fetcher has no partner key. */
  partners: PartnersApi | null;
  parent: ParentRef;
  log: Logger;
  /** The fetcher's PII_HASH_SALT, for sources that must open what their allow-list sealed (barcodes). */
  piiSalt: string;
};
export type StreamSource =
  | { kind: 'list'; resource: ListResourceName }
  | { kind: 'unpaged'; resource: UnpagedResourceName }
  | { kind: 'per-parent'; endpoint: string; fetch(ctx: ParentFetchContext): Promise<unknown[]> };

/** Scheduler side: what a run's discovery needs, read from the stream's durable state. */
export type PrepareContext<C = AnySettings> = {
  stream: string;
  mode: RunMode;
  state: StreamState;
  clickhouse: ClickHouseClient;
  /** The scheduler's parsed settings, typed by the stream's `settings` declaration. */
  config: C;
  now: Date;
};

/** Fetcher side: the stream's endpoint and the run's discovery parameters. */
export type DiscoverContext = {
  api: QTicketsApi;
  /** A page of the stream's list source. */
  readPage: (params: PageParams) => Promise<ListPageResult>;
  verifyFilter: FilterVerifier;
  mode: RunMode;
  window?: { from: string; to: string };
  params: Record<string, unknown>;
  log: Logger;
};

/**
 * Per-parent plans: the items a run reads, staged in Redis by the scheduler and fanned out by discovery in slices
 * (no job payload carries a plan, whatever its size). `budget`: requests the run may spend in all; its follow-ups
 * take what the plan left.
 */
export type StagedPlan = { items: PlannedItem[]; budget?: number };

/** Writer side, once a unit is wholly written: what its follow-ups are planned from. */
export type FollowUpContext = { clickhouse: ClickHouseClient; runId: string; mode: RunMode; parent: ParentRef; limit: number; log: Logger };

/**
 * Items that depend on a list read in the same run (the barcodes a show's list returned are polled in that run). A
 * unit `after` accepts gets follow-ups once all its rows are confirmed: `plan` reads what it wrote and returns at most
 * `limit` more items (the run's budget left), which join the run before it may complete.
 */
export type FollowUp = { after(parent: ParentRef): boolean; plan(ctx: FollowUpContext): Promise<PlannedItem[]> };

/** Writer side, once every page of a run is confirmed in ClickHouse. */

/** Writer side, once every page of a run is confirmed in ClickHouse; `tables` are the stream's declared tables. */
export type CompleteContext = { clickhouse: ClickHouseClient; run: RunInfo; now: Date; log: Logger; tables: readonly TableDeclaration[] };

export type SyncStrategy<C = AnySettings> = {
  /** Modes a run of this stream may have (only incremental syncs take backfill windows). */
  modes: readonly RunMode[];
  /** The shape of the stream's cursor in etl_state (JSON): checked before it is stored (none: the stream keeps none). */
  cursor?: z.ZodType;
  /** Discovery parameters from the durable state; null when there is nothing to read this time (an empty run). */
  prepare(ctx: PrepareContext<C>): Promise<Record<string, unknown> | null>;
  /** Fetcher: the pages or items this run reads, and the stream cursor to store once the run is complete. */
  discover(ctx: DiscoverContext): Promise<{ units: PlannedUnit[]; paging: { total: number; perPage: number }; cursor?: string }>;
  /** Per-parent: the run's items, staged by the scheduler instead of `prepare`'s params (see StagedPlan). */
  stage?(ctx: PrepareContext<C>): Promise<StagedPlan>;
  followUp?: FollowUp;

  /** After a page was read: more pages of the run to read (e.g. the page before, when the list shifted). */
  afterPage?(ctx: AfterPageContext): PlannedPage[];
  /** Extra work after a complete run, before the state moves (a full refresh marks rows that vanished upstream). */
  complete?(ctx: CompleteContext): Promise<void>;
  /** The stream's state after a complete run (not called for backfills, which never move it). */
  advance(prev: StreamState, run: RunInfo, now: Date): StreamState;
};

/** A job scheduler of the stream: its fixed id, the run mode it starts, the setting that holds its cron pattern. */
export type ScheduleDeclaration = { id: string; mode: 'incremental' | 'reconcile'; env: string; pattern: string };

type StreamFields<S extends SettingsShape> = {
  name: string;
  source: StreamSource;
  sync: SyncStrategy<SettingsOf<S>>;
  schedules: readonly ScheduleDeclaration[];
  /** Scheduler settings of this stream beyond its schedules (zod fields, parsed with the scheduler's config). */
  settings?: S;
  /**
   * BullMQ priority of the stream's fetch jobs: 0 (the default, orders and events) goes first; catalogue and per-show
   * streams take a higher number so a tenant with hundreds of shows never starves the sales streams.
   */
  priority?: number;
  /**
   * Why the stream is switched off by the scheduler's settings (e.g. no partner key), or null when it runs. A disabled
   * stream gets no job schedulers, and a plan job for it (a manual re-queue) is skipped with this reason.
   */
  disabledReason?(config: SettingsOf<S>): string | null;
  /** Tables the stream writes (the writer refuses any other; replay re-derives them; refresh columns mark vanishing). */
  tables: readonly TableDeclaration[];
  /** The raw landing's mode (default `latest`). */
  raw?: RawLanding;
  /** Refetch of one record by id (webhooks): `parent` holds the id; returns the record, or nothing when it is gone. */
  refetch?: (ctx: ParentFetchContext) => Promise<unknown[]>;
  /** Pushed changes of this stream's records (webhooks, contract §9): see streams/webhook.ts. */
  webhook?: WebhookDeclaration;
  /** The PII boundary, in the fetcher: only allow-listed fields leave it; client ids become salted hashes. */
  sanitize(raw: unknown, ctx: { piiSalt: string }): unknown;
  /** Pure: zod validation and the mapping to rows per table, or a quarantine entry with the reason. */
  transform(record: unknown, ctx: TransformContext): RecordResult;
};

/** A stream as generic code sees it: its settings untyped. */
export type StreamDefinition = StreamFields<SettingsShape> & { sync: SyncStrategy; disabledReason?(config: AnySettings): string | null };

/** Declares a stream; its sync strategy and `disabledReason` read its `settings` typed. */
export const defineStream = <const N extends string, S extends SettingsShape = Record<never, never>>(
  s: StreamFields<S> & { name: N },
): StreamDefinition & { name: N } => Object.freeze(s) as unknown as StreamDefinition & { name: N };

/** The raw landing table of a stream. */
export const rawTableOf = (stream: string): string => `raw_qtickets_${stream}`;

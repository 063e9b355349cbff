/** The simulator's public types (other packages code against exactly these names). */

export type SimulatorOptions = {
  /** Default 1; same seed + same calls ⇒ identical data. */
  seed?: number;
  /** Simulated "now" at start, ISO with offset; default '2026-11-20T12:00:00+03:00'. */
  now?: string;
  /** Default 60: orders are generated over [now - historyDays, now]. */
  historyDays?: number;
  /** Default 750 (like the real tenant). */
  ordersPerDay?: number;
  /** If set, total history orders (and ordersPerDay = orders / historyDays). */
  orders?: number;
  /** Default 30 events, 1–3 shows each, a mix of seated halls and admission zones. */
  events?: number;
  /**
   * A big hall (benchmarks): one more event with one show of this many seats (one seated zone, 100 a row) that started
   * 20 minutes before `now` (so it is in its check-in window), far more popular than the rest: the history's orders
   * sell it out first, and its holders scan as at any hall. Give the history enough orders (about 0.7 per seat).
   */
  bigHallSeats?: number;
  /** Accepted REST Bearer token; default 'sim-token-0000000000000000'. */
  token?: string;
  /** Partners API key; default 'sim-partner-key-000000000000'. */
  partnersToken?: string;
  /** Default true: a refunded basket also gets deleted_at = refunded_at (UNV in the contract). */
  refundMarksDeleted?: boolean;
  faults?: Partial<Faults>;
  /** Push order changes to this receiver (contract §9); null/absent = no webhooks. Settable later with setWebhooks. */
  webhooks?: WebhookConfig | null;
  /**
   * Wall seconds per contract second for webhook retry delays (attempt n waits n³ s × scale after attempt n − 1
   * failed); default 1, e.g. 0.001 in tests.
   */
  webhookRetryScale?: number;
};

export type WebhookConfig = { url: string; secret: string };

export type Faults = {
  /** 0..1 share of API requests answered 503 UNKNOWN_ERROR (the two observed body variants alternate). */
  error503Rate: number;
  /** After every `every` requests the next `burst` get 429 (Retry-After only when retryAfterSeconds != null). */
  rateLimit: null | { every: number; burst: number; retryAfterSeconds: number | null };
  /** Added latency per API request. */
  latencyMs: number;
  /** 0..1 share of orders (chosen deterministically by id hash) served malformed in lists and single fetch. */
  malformedRate: number;
  /** The server ignores where/orderBy (unfiltered id-asc pages) — the other reading of the contract. */
  ignoreWhere: boolean;
  /** 0..1 share of requests whose socket is destroyed without a response. */
  resetRate: number;
  /** REST resources (first path segment, e.g. `discounts`) that answer 503 to every request: an endpoint down for hours. */
  failingResources: string[];
  /** GET /shows/{id}/seats ignores `flat` and always answers the hierarchical (OBS) shape. */
  ignoreFlat: boolean;
  /** 0..1 share of partner tickets (by id hash) whose `id` is served as a string (§7.10 types it int|str). */
  partnerStringIdRate: number;
  /** 0..1 share of webhook attempts signed with a wrong key (the receiver should refuse them). */
  webhookBadSignatureRate: number;
  /** 0..1 share of delivered webhooks that are delivered a second time, byte-identical. */
  webhookDuplicateRate: number;
  /**
   * 0..1 share of order changes (by hash) whose webhook body has fields missing: only the order's id and updated_at
   * plus the webhook-only fields (the body's shape is DOC, never observed: the receiver must cope, by a refetch).
   */
  webhookPartialBodyRate: number;
  /** Webhook bodies wrapped as GET /orders/{id} answers (`{"data": order}`), the other reading of contract §9. */
  webhookWrappedBody: boolean;
};

export type DayTruth = { date: string; tickets_sold: number; revenue: string; refunds_count: number; refunds_amount: string; net_revenue: string };
export type ShowTruth = { show_id: number; event_id: number; capacity: number; sold: number; reserved: number; free: number };
/** Seat inventory of one zone of one show, as GET /shows/{id}/seats with flat: true reports it at the clock. */
export type InventoryTruth = {
  show_id: number;
  event_id: number;
  /** The zone key: `zone_id` of the hierarchical shape, `zone_root_id` of the flat one. */
  zone_id: string;
  zone_name: string;
  /** Σ max_quantity: seats, or the admission zone's max_quantity. */
  capacity: number;
  /** Σ payed_quantity: tickets of paid orders, not cancelled or refunded. */
  sold: number;
  /** Σ (ordered_quantity − payed_quantity): tickets of unpaid orders still reserved. */
  held: number;
  /** Σ free_quantity = capacity − sold − held (quota-held seats count as free, like the API). */
  free: number;
};
/** Check-ins of one show: what GET /shows/{id}/barcodes lists, and how many of those are scanned. */
export type CheckinTruth = { show_id: number; event_id: number; valid_barcodes: number; checked_in: number };
/** One currently valid barcode and its scan time (sim.barcodeCheckins). */
export type BarcodeCheckin = { barcode: string; basket_id: number; order_id: number; checked_at: string | null };
/** Ids of one catalogue stream at the clock, ascending. */
export type CatalogueStreamTruth = {
  /** Ids the list endpoint returns now (soft-deleted ones included). */
  listed: number[];
  /** Listed ids whose deleted_at is set (a subset of `listed`; always empty for colour themes, which have no deleted_at). */
  deleted: number[];
  /** Ids that were listed before and are gone now (removed outright). */
  vanished: number[];
};
export type CatalogueTruth = {
  discounts: CatalogueStreamTruth;
  promo_codes: CatalogueStreamTruth;
  color_themes: CatalogueStreamTruth;
  /** Clients are never deleted: the list grows with new buyers (ids ascending). */
  clients: { listed_count: number; first_id: number | null; last_id: number | null };
};
/** A partner-issued ticket as tickets/find returns it (id normalised to a number, price an exact decimal). */
export type PartnerTicketTruth = { id: number; event_id: number; show_id: number; paid: 0 | 1; price: string; deleted: 0 | 1 };
export type GroundTruth = {
  now: string;
  orders_total: number;
  days: DayTruth[];
  shows: ShowTruth[];
  inventory: InventoryTruth[];
  checkins: CheckinTruth[];
  catalogue: CatalogueTruth;
  partner_tickets: PartnerTicketTruth[];
};

/** Requests to the API (REST and partners) by endpoint template and outcome, since the start or the last reset. */
export type RequestCounts = {
  total: number;
  /** Outcome → count; the outcome is the HTTP status ("200", "503", …) or "reset" for a dropped connection. */
  byStatus: Record<string, number>;
  /** "GET /orders", "GET /shows/:id/barcode/:barcode", "POST /partners/tickets/find/:event_id", … → outcome → count. */
  byEndpoint: Record<string, Record<string, number>>;
};

export type WebhookEventType = 'created' | 'updated' | 'payed' | 'deleted' | 'refunded' | 'checked';

/** One order change pushed (or to be pushed) to the webhook receiver. */
export type WebhookLogEntry = {
  orderId: number;
  event: WebhookEventType;
  /** The scanned basket of a `checked` change (also the body's checked_basket), else null. */
  basketId: number | null;
  /** Simulated instant of the change. */
  changedAt: string;
  /** Wall clock (ms since epoch) when advance() applied the change. */
  changedAtWall: number;
  /** Wall clock (ms) of the attempt answered 200, else null. */
  deliveredAtWall: number | null;
  attempts: number;
  status: 'pending' | 'delivered' | 'failed';
  /** HTTP status of the last attempt (0 = no response). */
  lastHttpStatus: number | null;
  /** Extra identical deliveries sent (fault webhookDuplicateRate). */
  duplicates: number;
};

export type RequestLogEntry = { method: string; path: string; status: number; body?: unknown; query?: Record<string, string> };

export type Simulator = {
  readonly url: string;
  readonly apiBaseUrl: string;
  readonly partnersBaseUrl: string;
  readonly token: string;
  readonly partnersToken: string;
  now(): string;
  advance(ms: number): void;
  setFaults(f: Partial<Faults>): void;
  faults(): Faults;
  truth(): GroundTruth;
  orderIds(): number[];
  malformedOrderIds(): number[];
  piiValues(): string[];
  requestLog(): RequestLogEntry[];
  /** Request counters by endpoint template and outcome (also GET /__sim/requests). */
  requests(): RequestCounts;
  /** Zeroes the counters (also POST /__sim/requests/reset). */
  resetRequests(): void;
  /** The currently valid barcodes of a show with their scan times ([] for a show that does not exist at the clock). */
  barcodeCheckins(showId: number): BarcodeCheckin[];
  /** Sets or clears (null) the webhook receiver; only changes applied after this are pushed. */
  setWebhooks(config: WebhookConfig | null): void;
  /** Every order change pushed since webhooks were set, oldest first. */
  webhookLog(): WebhookLogEntry[];
  /** Resolves once no webhook delivery is queued, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
};

export type StartOptions = SimulatorOptions & {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Gzip responses when the client asks (Accept-Encoding), like the real nginx; default true. */
  gzip?: boolean;
  /** Benchmarks only: serve each API GET's 200 reply again from memory (frozen clock, no faults). */
  cacheReplies?: boolean;
};

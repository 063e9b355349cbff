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
  /** Accepted REST Bearer token; default 'sim-token-0000000000000000'. */
  token?: string;
  /** Partners API key; default 'sim-partner-key-000000000000'. */
  partnersToken?: string;
  /** Default true: a refunded basket also gets deleted_at = refunded_at (UNV in the contract). */
  refundMarksDeleted?: boolean;
  faults?: Partial<Faults>;
};

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
};

export type DayTruth = { date: string; tickets_sold: number; revenue: string; refunds_count: number; refunds_amount: string; net_revenue: string };
export type ShowTruth = { show_id: number; event_id: number; capacity: number; sold: number; reserved: number; free: number };
export type GroundTruth = { now: string; orders_total: number; days: DayTruth[]; shows: ShowTruth[] };

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
  close(): Promise<void>;
};

export type StartOptions = SimulatorOptions & {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Gzip responses when the client asks (Accept-Encoding), like the real nginx; default true. */
  gzip?: boolean;
};

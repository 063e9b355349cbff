import { Counter, Histogram, type Registry } from 'prom-client';

/** The webhook receiver's metric names (alerts and the Grafana dashboard use exactly these). */
export const WEBHOOK_METRIC_NAMES = {
  deliveries: 'qtp_webhook_deliveries_total',
  changeToRow: 'qtp_webhook_change_to_row_seconds',
} as const;

/**
 * What became of a delivery: `applied` (its signed body went on as the record, no API request), `refetched` (a
 * refetch of the order by id was queued: the body did not validate, or was older than what ClickHouse holds),
 * `refused` (bad or missing signature: 401), `duplicate` (the same change was already taken), `failed` (it could not
 * be queued durably: answered 503, the vendor retries).
 */
export const WEBHOOK_OUTCOMES = ['applied', 'refetched', 'refused', 'duplicate', 'failed'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Contract §9 event types; anything else in `X-Event-Type` (unsigned input, on refusals too) is counted as `other`. */
export const WEBHOOK_EVENTS = ['created', 'updated', 'payed', 'deleted', 'refunded', 'checked'] as const;

export const webhookEventLabel = (event: unknown): string =>
  typeof event === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(event) ? event : 'other';

/**
 * The webhook metrics, registered on a process's registry (PipelineMetrics.registry, so they carry its `service`
 * label and are served at its /metrics). The receiver counts deliveries; the writer observes change → row, the time
 * from the receiver taking the delivery to ClickHouse confirming the order's rows (the vendor's own delay before it
 * delivers is not in it: its clock is not ours, and timestamps have whole seconds).
 */
export class WebhookMetrics {
  readonly #deliveries: Counter<'event' | 'outcome'> | undefined;
  readonly #changeToRow: Histogram | undefined;

  /** `parts`: the receiver registers `deliveries`, the writer `changeToRow` (each where it is measured). */
  constructor(registry: Registry, parts: ReadonlyArray<'deliveries' | 'changeToRow'> = ['deliveries', 'changeToRow']) {
    const registers = [registry];
    this.#deliveries = !parts.includes('deliveries')
      ? undefined
      : new Counter({
          name: WEBHOOK_METRIC_NAMES.deliveries,
          help: `Webhook deliveries, per event type and outcome (${WEBHOOK_OUTCOMES.join(', ')}).`,
          labelNames: ['event', 'outcome'],
          registers,
        });
    this.#changeToRow = !parts.includes('changeToRow')
      ? undefined
      : new Histogram({
          name: WEBHOOK_METRIC_NAMES.changeToRow,
          help: 'Seconds from a webhook delivery received to its order rows confirmed by ClickHouse (writer), per change.',
          buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300, 1800],
          registers,
        });
  }

  delivery(event: unknown, outcome: WebhookOutcome, n = 1): void {
    if (n > 0) this.#deliveries?.inc({ event: webhookEventLabel(event), outcome }, n);
  }

  /** For the writer's hook: `changes` changes received at `receivedAtMs` were confirmed now. */
  readonly changeConfirmed = (e: { receivedAtMs: number; changes: number; nowMs?: number }): void => {
    const seconds = Math.max(0, ((e.nowMs ?? Date.now()) - e.receivedAtMs) / 1000);
    for (let i = 0; i < e.changes; i++) this.#changeToRow?.observe(seconds);
  };
}

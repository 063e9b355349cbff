import { intFromEnv } from '@qtp/shared';
import { readOrGone } from '../../common/not-found.ts';
import { durationSetting } from '../../config/settings.ts';
import { defineStream } from '../stream.ts';
import { sanitizeOrder } from './orders.allowlist.ts';
import { ordersSync } from './orders.sync.ts';
import { ORDER_TABLES, transformOrder } from './orders.transform.ts';
import { ordersWebhook } from './orders.webhook.ts';

/** Orders with their ticket lines: incremental by high-water id and updated_at watermark, reconciled nightly. */
export const ordersStream = defineStream({
  name: 'orders',
  source: { kind: 'list', resource: 'orders' },
  sync: ordersSync,
  schedules: [
    { id: 'orders-incremental', mode: 'incremental', env: 'SCHEDULE_ORDERS', pattern: '*/5 * * * *' },
    { id: 'orders-reconcile', mode: 'reconcile', env: 'SCHEDULE_ORDERS_RECONCILE', pattern: '30 3 * * *' },
  ],
  settings: {
    LOOKBACK_ORDERS: durationSetting.default(48 * 3_600_000),
    // Servers that ignore filters: every incremental run also re-reads a slice of older pages, the whole list once per
    // period (126,000 orders = 2,520 pages: ~35 pages per 5-minute run, ~2 % of 5 requests/s).
    ORDERS_REWALK_PERIOD: durationSetting.default(6 * 3_600_000),
    ORDERS_REWALK_MAX_PAGES: intFromEnv(0, 100_000).default(200),
  },
  tables: [ORDER_TABLES.orders, ORDER_TABLES.lines],
  // Webhooks: one order by id (GET /orders/{id}); an order gone upstream is simply not refetched.
  refetch: ({ api, parent }) =>
    readOrGone<unknown>(
      () => api.getOrder(Number(parent.order_id)),
      () => [],
    ),
  // Pushed changes: a signed body that validates goes on as fetched (no request); otherwise the refetch above.
  webhook: ordersWebhook,
  sanitize: (raw, { piiSalt }) => sanitizeOrder(raw, piiSalt),
  transform: (record) => transformOrder(record),
});

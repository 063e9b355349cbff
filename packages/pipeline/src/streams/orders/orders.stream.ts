import { readOrGone } from '../../common/not-found.ts';
import { defineStream } from '../stream.ts';
import { sanitizeOrder } from './orders.allowlist.ts';
import { ORDERS_SETTINGS, ordersSync } from './orders.sync.ts';
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
  settings: ORDERS_SETTINGS,
  tables: [
    { name: ORDER_TABLES.orders, key: ['order_id'], version: '_ver' },
    { name: ORDER_TABLES.lines, key: ['basket_id'], version: '_ver' },
  ],
  // Every version of every order the API sent, for RAW_RETENTION: "what did QTickets send for order X last Tuesday?"
  raw: { mode: 'history' },
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

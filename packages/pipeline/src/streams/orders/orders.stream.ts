import { durationSetting } from '../../config/settings.ts';
import { defineStream } from '../stream.ts';
import { sanitizeOrder } from './orders.allowlist.ts';
import { ordersSync } from './orders.sync.ts';
import { ORDER_TABLES, transformOrder } from './orders.transform.ts';

/** Orders with their ticket lines: incremental by high-water id and updated_at watermark, reconciled nightly. */
export const ordersStream = defineStream({
  name: 'orders',
  source: { kind: 'list', resource: 'orders' },
  sync: ordersSync,
  schedules: [
    { id: 'orders-incremental', mode: 'incremental', env: 'SCHEDULE_ORDERS', pattern: '*/5 * * * *' },
    { id: 'orders-reconcile', mode: 'reconcile', env: 'SCHEDULE_ORDERS_RECONCILE', pattern: '30 3 * * *' },
  ],
  settings: { LOOKBACK_ORDERS: durationSetting.default(48 * 3_600_000) },
  tables: [ORDER_TABLES.orders, ORDER_TABLES.lines],
  sanitize: (raw, { piiSalt }) => sanitizeOrder(raw, piiSalt),
  transform: (record) => transformOrder(record),
});

import { CHECKIN_TABLES } from './checkins/checkins.transform.ts';
import { SHOWS_TABLE } from './events/events.transform.ts';
import { ORDER_TABLES } from './orders/orders.transform.ts';

/** Table names tests and tools refer to, each declared by its stream. */
export const TABLES = {
  orders: ORDER_TABLES.orders,
  orderLines: ORDER_TABLES.lines,
  shows: SHOWS_TABLE,
  barcodes: CHECKIN_TABLES.barcodes,
  barcodeLists: CHECKIN_TABLES.lists,
  checkins: CHECKIN_TABLES.checkins,
  quarantine: 'quarantine',
} as const;

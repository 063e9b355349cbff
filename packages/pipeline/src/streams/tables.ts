import { CHECKIN_TABLES } from './checkins/checkins.transform.ts';
import { SHOWS_TABLE } from './events/events.transform.ts';
import { ORDER_TABLES } from './orders/orders.transform.ts';
import { PARTNER_TABLES } from './partner-tickets/partner-tickets.transform.ts';

/** Table names tests and tools refer to, each declared by its stream. */
export const TABLES = {
  orders: ORDER_TABLES.orders,
  orderLines: ORDER_TABLES.lines,
  shows: SHOWS_TABLE,
  barcodes: CHECKIN_TABLES.barcodes,
  barcodeLists: CHECKIN_TABLES.lists,
  checkins: CHECKIN_TABLES.checkins,
  partnerTickets: PARTNER_TABLES.tickets,
  partnerTicketRefreshes: PARTNER_TABLES.refreshes,
  quarantine: 'quarantine',
} as const;

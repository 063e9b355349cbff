import { isCancelled, isPaid, orderUpdatedAt } from './order-state.ts';
import type { Order } from './orders.model.ts';
import { orderRecord, type ViewContext } from './orders.view.ts';
import type { Column, Columns, ColumnType } from './where-filter.ts';

/** Order columns usable in where/orderBy, evaluated on the model at clock T (fast paths for the usual ones). */
export function orderColumns(view: ViewContext): Columns<Order> {
  const t = view.t;
  const fast: Record<string, Column<Order>> = {
    id: { type: 'num', get: (o) => o.id },
    payed: { type: 'bool', get: (o) => isPaid(o, t) },
    payed_at: { type: 'ts', get: (o) => (isPaid(o, t) ? o.paidAt : null) },
    client_id: { type: 'num', get: (o) => o.client.id },
    event_id: { type: 'num', get: (o) => o.event.id },
    discount_id: { type: 'num', get: (o) => o.discountId },
    promo_code_id: { type: 'num', get: (o) => o.promoCodeId },
    reserved_to: { type: 'ts', get: (o) => o.reservedTo },
    created_at: { type: 'ts', get: (o) => o.createdAt },
    updated_at: { type: 'ts', get: (o) => orderUpdatedAt(o, t) },
    deleted_at: { type: 'ts', get: (o) => (isCancelled(o, t) ? o.cancelAt : null) },
    price: { type: 'num', get: (o) => o.baskets.reduce((s, b) => s + b.priceKop, 0) / 100 },
    original_price: { type: 'num', get: (o) => o.baskets.reduce((s, b) => s + b.originalKop, 0) / 100 },
  };
  const slowTypes: Record<string, ColumnType> = {
    uniqid: 'str',
    site_id: 'num',
    payment_id: 'num',
    payment_type_id: 'str',
    payment_card_number: 'str',
    payment_url: 'str',
    cancel_url: 'str',
    basket_user_id: 'num',
    backend_user_id: 'num',
    access_code_id: 'num',
    reserved: 'bool',
    reserve_extended: 'bool',
    currency_id: 'str',
  };
  return (name) => {
    const f = fast[name];
    if (f) return f;
    const type = slowTypes[name];
    if (!type) return undefined;
    return { type, get: (o) => orderRecord(o, view, false)[name] as string | number | boolean | null };
  };
}

import { instantMs, maxTimestamp, moscowDate, toClickHouseUtc } from '../../common/moscow-time.ts';
import { quarantined, type TransformFailure } from '../../common/quarantine.ts';
import type { RecordRows } from '../stream.ts';
import type { OrderLineRow, OrderRow } from './order-rows.ts';
import { type SanitizedBasket, type SanitizedOrder, sanitizedOrderSchema } from './sanitized-order.schema.ts';

export const ORDER_TABLES = { orders: 'stg_qtickets_api_orders_raw', lines: 'stg_qtickets_api_order_lines' } as const;

export type OrderTransformResult = (RecordRows & { order: OrderRow; lines: OrderLineRow[] }) | TransformFailure;

const utc = (ts: string | null | undefined): string | null => (ts ? toClickHouseUtc(ts) : null);
const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

function sumMoney(values: string[]): string {
  // Exact: integer kopecks in BigInt.
  const cents = values.reduce((acc, v) => {
    const neg = v.startsWith('-');
    const [int = '0', frac = '00'] = v.replace('-', '').split('.');
    const c = BigInt(int) * 100n + BigInt(frac.padEnd(2, '0'));
    return acc + (neg ? -c : c);
  }, 0n);
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

function lineRow(order: SanitizedOrder, b: SanitizedBasket): OrderLineRow {
  const refunded = b.refunded_at != null;
  const sold = order.payed && (b.deleted_at == null || refunded);
  return {
    basket_id: b.id,
    order_id: order.id,
    event_id: order.event_id,
    show_id: b.show_id,
    seat_id: b.seat_id,
    seat_name: b.seat_name ?? '',
    zone_key: b.seat_id.replace(/-\d+;\d+$/, ''),
    multiprice_code: b.multiprice_code ?? '',
    quantity: b.quantity ?? 1,
    original_price: b.original_price,
    discount_value: b.discount_value ?? '0.00',
    price: b.price,
    ticket_amount: b.ticket_amount ?? '0.00',
    service_fee_amount: b.service_fee_amount ?? '0.00',
    order_payed: bit(order.payed),
    order_payed_at: utc(order.payed_at),
    is_sold: bit(sold),
    is_refunded: bit(refunded),
    is_cancelled: bit(b.deleted_at != null && !refunded),
    checked_at: utc(b.checked_at),
    refunded_at: utc(b.refunded_at),
    refunded_amount: b.refunded_amount ?? null,
    refunded_deduction_amount: b.refunded_deduction_amount ?? null,
    created_at: toClickHouseUtc(b.created_at),
    updated_at: toClickHouseUtc(b.updated_at),
    deleted_at: utc(b.deleted_at),
    order_created_at: toClickHouseUtc(order.created_at),
    sale_date_msk: order.payed && order.payed_at ? moscowDate(order.payed_at) : null,
    refund_date_msk: b.refunded_at ? moscowDate(b.refunded_at) : null,
    _ver: toClickHouseUtc(maxTimestamp(order.updated_at, b.updated_at)),
  };
}

function status(order: SanitizedOrder): OrderRow['status'] {
  const refunded = order.baskets.filter((b) => b.refunded_at != null).length;
  if (order.payed && refunded > 0) return refunded === order.baskets.length ? 'refunded' : 'partially_refunded';
  if (order.payed) return 'paid';
  return order.deleted_at != null ? 'cancelled' : 'reserved';
}

function orderRow(order: SanitizedOrder, lines: OrderLineRow[]): OrderRow {
  const utm = order.utm ?? {};
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return {
    order_id: order.id,
    client_hash: order.client_hash ?? '',
    event_id: order.event_id,
    site_id: order.site_id ?? null,
    payment_id: order.payment_id ?? null,
    payment_type_id: order.payment_type_id == null ? '' : String(order.payment_type_id),
    backend_user_id: order.backend_user_id ?? null,
    discount_id: order.discount_id ?? null,
    promo_code_id: order.promo_code_id ?? null,
    access_code_id: order.access_code_id ?? null,
    status: status(order),
    payed: bit(order.payed),
    payed_at: utc(order.payed_at),
    reserved: bit(order.reserved ?? false),
    reserved_to: utc(order.reserved_to),
    price: order.price,
    original_price: order.original_price,
    currency_id: order.currency_id,
    tickets_count: lines.reduce((n, l) => n + l.quantity, 0),
    tickets_sold: lines.reduce((n, l) => n + (l.is_sold ? l.quantity : 0), 0),
    tickets_refunded: lines.reduce((n, l) => n + (l.is_refunded ? l.quantity : 0), 0),
    refunded_amount: sumMoney(lines.map((l) => l.refunded_amount ?? '0.00')),
    utm_source: str(utm.utm_source),
    utm_medium: str(utm.utm_medium),
    utm_campaign: str(utm.utm_campaign),
    created_at: toClickHouseUtc(order.created_at),
    updated_at: toClickHouseUtc(order.updated_at),
    deleted_at: utc(order.deleted_at),
    sale_date_msk: order.payed && order.payed_at ? moscowDate(order.payed_at) : null,
    created_date_msk: moscowDate(order.created_at),
    _ver: toClickHouseUtc(order.updated_at),
  };
}

/**
 * Pure: one PII-free order record → its order row and one row per ticket line, or a quarantine entry with the
 * reason. Rows are keyed by natural ids and carry `_ver` from the source's updated_at, so the same input always
 * gives the same rows and the newest state wins in ReplacingMergeTree.
 */
export function transformOrder(raw: unknown): OrderTransformResult {
  const parsed = sanitizedOrderSchema.safeParse(raw);
  const quarantine = (reason: string): OrderTransformResult => quarantined(raw, reason);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const order = parsed.data;
  const ids = new Set<number>();
  for (const b of order.baskets) {
    if (ids.has(b.id)) return quarantine(`baskets: duplicate basket id ${b.id}`);
    ids.add(b.id);
  }
  try {
    const lines = order.baskets.map((b) => lineRow(order, b));
    const row = orderRow(order, lines);
    return {
      kind: 'rows',
      id: order.id,
      updatedAtMs: instantMs(order.updated_at) ?? 0,
      rows: { [ORDER_TABLES.orders]: [row], [ORDER_TABLES.lines]: lines },
      order: row,
      lines,
    };
  } catch (err) {
    return quarantine((err as Error).message);
  }
}

export { sumMoney };

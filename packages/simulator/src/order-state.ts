import type { Basket, Order } from './orders.model.ts';

/** The state of an order / basket at clock T: its planned timeline with every event at or before T applied. */

export const isPaid = (o: Order, t: number): boolean => o.paidAt !== null && o.paidAt <= t;
export const isCancelled = (o: Order, t: number): boolean => o.cancelAt !== null && o.cancelAt <= t;
export const isRefundApplied = (o: Order, t: number): boolean => o.refundAt !== null && o.refundAt <= t;
export const isPending = (o: Order, t: number): boolean => !isPaid(o, t) && !isCancelled(o, t);

export const basketRefundedAt = (b: Basket, t: number): number | null => (b.refunded && isRefundApplied(b.order, t) ? b.order.refundAt : null);
export const basketCheckedAt = (b: Basket, t: number): number | null => (b.checkedAt !== null && b.checkedAt <= t ? b.checkedAt : null);

/** A live basket holds its seat: not cancelled, not refunded (paid or still pending). */
export const isLive = (b: Basket, t: number): boolean => !isCancelled(b.order, t) && basketRefundedAt(b, t) === null;

/** deleted_at of a basket: cancellation, or the refund when refunds mark baskets deleted (UNV reading). */
export function basketDeletedAt(b: Basket, t: number, refundMarksDeleted: boolean): number | null {
  if (isCancelled(b.order, t)) return b.order.cancelAt;
  const refundedAt = basketRefundedAt(b, t);
  return refundMarksDeleted && refundedAt !== null ? refundedAt : null;
}

export function basketUpdatedAt(b: Basket, t: number): number {
  const o = b.order;
  let u = Math.max(b.createdAt, o.createdAt);
  if (isPaid(o, t)) u = Math.max(u, o.paidAt as number);
  if (isCancelled(o, t)) u = Math.max(u, o.cancelAt as number);
  const refundedAt = basketRefundedAt(b, t);
  if (refundedAt !== null) u = Math.max(u, refundedAt);
  const checkedAt = basketCheckedAt(b, t);
  if (checkedAt !== null) u = Math.max(u, checkedAt);
  return u;
}

export function orderUpdatedAt(o: Order, t: number): number {
  let u = o.createdAt;
  if (isPaid(o, t)) u = Math.max(u, o.paidAt as number);
  if (isCancelled(o, t)) u = Math.max(u, o.cancelAt as number);
  if (isRefundApplied(o, t)) u = Math.max(u, o.refundAt as number);
  for (const b of o.baskets) {
    const checkedAt = basketCheckedAt(b, t);
    if (checkedAt !== null) u = Math.max(u, checkedAt);
  }
  return u;
}

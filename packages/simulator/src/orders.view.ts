import { barcodeOf } from './barcodes.ts';
import { PAYMENT_IDS, SITES } from './catalog.data.ts';
import type { Zone } from './catalog.model.ts';
import { kopToNumber } from './money.ts';
import { basketCheckedAt, basketDeletedAt, basketRefundedAt, basketUpdatedAt, isCancelled, isPaid, isRefundApplied, orderUpdatedAt } from './order-state.ts';
import type { Basket, Order } from './orders.model.ts';
import { makePerson, type Person } from './people.model.ts';
import { alnumFrom, hash32, hashUnit, hexFrom } from './random.ts';
import { formatNullableTs, formatTs } from './time.ts';

/** Orders as the API serialises them (contract §7.1/§7.2; keys in the fixtures' order). */

export type ViewContext = { seed: number; t: number; refundMarksDeleted: boolean };

const CARD_MASKS = ['411111******1111', '555555******4444', '220000******0004'] as const;
const UTM = [
  { utm_source: 'vk', utm_medium: 'post', utm_campaign: 'afisha_main' },
  { utm_source: 'yandex', utm_medium: 'cpc', utm_campaign: '71234501', utm_content: '15500012345', utm_term: 'билеты на концерт' },
  { utm_source: 'telegram', utm_medium: 'channel', utm_campaign: 'weekly' },
  { utm_source: 'email', utm_medium: 'newsletter', utm_campaign: '20251101' },
] as const;

export const seriesOf = (eventId: number): string => `882${String(eventId).padStart(6, '0')}`;

export function seatIdOf(b: Basket): string {
  const z = b.show.zones[b.zoneIdx] as Zone;
  return `${z.key}-${b.row};${b.place}`;
}

export function seatNameOf(b: Basket): string {
  const z = b.show.zones[b.zoneIdx] as Zone;
  return z.admission ? z.name : `${z.name}: ряд ${b.row}, место ${b.place}`;
}

export const uniqidOf = (seed: number, o: Order): string => alnumFrom(10, seed, o.id, 11);

/** The ticket holder of a basket: the buyer, or (Q22) somebody else. */
export function holderOf(seed: number, b: Basket): Person {
  return b.otherHolder ? makePerson(seed, 2, b.order.seq) : b.order.client.person;
}

function paymentTypeOf(seed: number, o: Order): string {
  if (o.backOffice) return String(4_410_000 + (hash32(seed, o.id, 21) % 1000));
  return hashUnit(seed, o.id, 22) < 0.88 ? 'card' : String(5_120_000 + (hash32(seed, o.id, 23) % 1000));
}

export function orderRecord(o: Order, c: ViewContext, single: boolean): Record<string, unknown> {
  const { seed, t } = c;
  const uniqid = uniqidOf(seed, o);
  const paid = isPaid(o, t);
  const paymentType = paymentTypeOf(seed, o);
  const cardNumber =
    paid && !o.backOffice && (paymentType === 'card' || hashUnit(seed, o.id, 24) < 0.5) ? CARD_MASKS[hash32(seed, o.id, 25) % CARD_MASKS.length] : null;
  const site = SITES[hash32(seed, o.event.id, 26) % SITES.length] as (typeof SITES)[number];
  const baskets = o.baskets.map((b) => basketRecord(b, c, uniqid));
  const refunds = isRefundApplied(o, t) ? [refundRecord(o)] : [];
  const utmRoll = hashUnit(seed, o.id, 27);
  return {
    id: o.id,
    uniqid,
    payed: paid,
    payed_at: paid ? formatTs(o.paidAt as number) : null,
    client_id: o.client.id,
    client: clientRecord(o.client.id, o.client.detailsId, o.client.person),
    site_id: site.id,
    site: { id: site.id, host: site.host },
    payment_id: PAYMENT_IDS[hash32(seed, o.event.id, 28) % PAYMENT_IDS.length],
    payment_type_id: paymentType,
    payment_card_number: cardNumber,
    payment_url: `https://qtickets.ru/pay/${uniqid}`,
    cancel_url: `https://qtickets.ru/cancel-order/${uniqid}/${hexFrom(32, seed, o.id, 12)}`,
    basket_user_id: 6_100_000 + o.seq,
    backend_user_id: o.backOffice ? 20_877 + (hash32(seed, o.id, 29) % 5) : null,
    access_code_id: null,
    discount_id: o.discountId,
    promo_code_id: o.promoCodeId,
    reserved: false,
    reserved_to: formatTs(o.reservedTo),
    reserve_extended: o.reserveExtended,
    event_id: o.event.id,
    price: kopToNumber(o.baskets.reduce((s, b) => s + b.priceKop, 0)),
    original_price: kopToNumber(o.baskets.reduce((s, b) => s + b.originalKop, 0)),
    currency_id: 'RUB',
    utm: utmRoll < 0.35 ? { ...UTM[hash32(seed, o.id, 30) % UTM.length] } : [],
    custom: o.backOffice ? { var1: 'partner-42', var2: 'winter-campaign' } : utmRoll > 0.98 ? { var1: 'promo-stand' } : '',
    fields: o.backOffice ? { organization_name: 'ООО «Пример Плюс»' } : [],
    baskets,
    refunds,
    integrations: single ? { roistat: { roistat_visit: hashUnit(seed, o.id, 31) < 0.3 ? String(100_000 + (hash32(seed, o.id, 32) % 900_000)) : null } } : [],
    created_at: formatTs(o.createdAt),
    updated_at: formatTs(orderUpdatedAt(o, t)),
    deleted_at: isCancelled(o, t) ? formatTs(o.cancelAt as number) : null,
  };
}

export function clientRecord(id: number, detailsId: number, p: Person): Record<string, unknown> {
  return {
    id,
    email: p.email,
    details: { id: detailsId, name: p.name, middlename: p.middlename, surname: p.surname, phone: p.phone, vk_id: '', facebook_id: '' },
  };
}

function refundRecord(o: Order): Record<string, unknown> {
  const refunded = o.baskets.filter((b) => b.refunded);
  return {
    id: o.refundId,
    amount: kopToNumber(refunded.reduce((s, b) => s + b.priceKop - b.deductionKop, 0)),
    deduction_amount: kopToNumber(refunded.reduce((s, b) => s + b.deductionKop, 0)),
    baskets: refunded.map((b) => b.id),
    created_at: formatTs(o.refundAt as number),
  };
}

function basketRecord(b: Basket, c: ViewContext, uniqid: string): Record<string, unknown> {
  const { seed, t } = c;
  const o = b.order;
  const paid = isPaid(o, t);
  const cancelled = isCancelled(o, t);
  const refundedAt = basketRefundedAt(b, t);
  const holder = holderOf(seed, b);
  const hash = hexFrom(32, seed, b.id, 13);
  return {
    id: b.id,
    series: seriesOf(o.event.id),
    barcode: paid ? barcodeOf(seed, b.id) : null,
    show_id: b.show.id,
    seat_id: seatIdOf(b),
    seat_name: seatNameOf(b),
    original_price: kopToNumber(b.originalKop),
    ticket_original_price: kopToNumber(b.originalKop),
    discount_value: kopToNumber(b.discountKop),
    price: kopToNumber(b.priceKop),
    ticket_amount: paid ? kopToNumber(b.priceKop) : 0,
    service_fee_amount: 0,
    multiprice_code: null,
    quantity: b.quantity,
    client_email: holder.email,
    client_phone: holder.phone,
    client_name: holder.name,
    client_surname: holder.surname,
    client_middlename: holder.middlename,
    organization_name: null,
    legal_name: null,
    work_position: null,
    inn: null,
    kpp: null,
    comment: null,
    pdf_url: paid ? `https://qtickets.ru/ticket/pdf/${uniqid}/${hash}` : null,
    passbook_url: paid ? `https://qtickets.ru/ticket/passbook/${uniqid}/${hash}` : null,
    related_baskets: [],
    services: [],
    checked_at: formatNullableTs(basketCheckedAt(b, t)),
    created_at: formatTs(b.createdAt),
    updated_at: formatTs(basketUpdatedAt(b, t)),
    deleted_at: formatNullableTs(basketDeletedAt(b, t, c.refundMarksDeleted)),
    refunded_at: formatNullableTs(refundedAt),
    refunded_amount: refundedAt !== null ? kopToNumber(b.priceKop - b.deductionKop) : cancelled ? 0 : null,
    refunded_deduction_amount: refundedAt !== null ? kopToNumber(b.deductionKop) : cancelled ? 0 : null,
    refunds: refundedAt !== null ? [refundRecord(o)] : [],
  };
}

/** Malformed variants (fault `malformedRate`): the same broken body every time for a given id. */
export function malform(seed: number, record: Record<string, unknown>, id: number): Record<string, unknown> {
  const out = { ...record };
  switch (hash32(seed, id, 0xbad, 2) % 4) {
    case 0:
      out.id = `ORD-${id}`;
      break;
    case 1:
      out.payed_at = 'not-a-date';
      break;
    case 2: {
      const baskets = out.baskets as Record<string, unknown>[];
      out.baskets = baskets.map((b, i) => (i === 0 ? { ...b, price: 'abc' } : b));
      break;
    }
    default:
      out.baskets = null;
  }
  return out;
}

export function isMalformed(seed: number, id: number, rate: number): boolean {
  return rate > 0 && hashUnit(seed, id, 0xbad) < rate;
}

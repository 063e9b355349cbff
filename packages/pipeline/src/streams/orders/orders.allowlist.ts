import { hashClientId } from '../../common/client-hash.ts';
import { isObject, pick, type SanitizedRecord } from '../../common/pick.ts';

export type { SanitizedRecord } from '../../common/pick.ts';

/**
 * The PII boundary (design note 6): only fields the product needs leave the fetcher. Everything not listed is
 * dropped — buyer and ticket-holder names, e-mails, phones, card masks, payment/cancel/pdf/passbook URLs (they carry
 * secrets), barcodes, public order codes, legal-entity fields and free-text comments. The buyer's id becomes an HMAC.
 * Works on unknown input: a malformed record is copied structurally so the transformer can quarantine it.
 */
const ORDER_FIELDS = [
  'id',
  'payed',
  'payed_at',
  'site_id',
  'payment_id',
  'payment_type_id',
  'backend_user_id',
  'access_code_id',
  'discount_id',
  'promo_code_id',
  'reserved',
  'reserved_to',
  'reserve_extended',
  'event_id',
  'price',
  'original_price',
  'currency_id',
  'created_at',
  'updated_at',
  'deleted_at',
] as const;

const BASKET_FIELDS = [
  'id',
  'series',
  'show_id',
  'seat_id',
  'seat_name',
  'original_price',
  'ticket_original_price',
  'discount_value',
  'price',
  'ticket_amount',
  'service_fee_amount',
  'multiprice_code',
  'quantity',
  'checked_at',
  'created_at',
  'updated_at',
  'deleted_at',
  'refunded_at',
  'refunded_amount',
  'refunded_deduction_amount',
] as const;

const UTM_FIELDS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;

export function sanitizeOrder(raw: unknown, salt: string): SanitizedRecord {
  if (!isObject(raw)) return { _malformed: typeof raw };
  const out = pick(raw, ORDER_FIELDS);
  const clientId = raw.client_id ?? (isObject(raw.client) ? raw.client.id : undefined);
  if (typeof clientId === 'number' || typeof clientId === 'string') out.client_hash = hashClientId(salt, clientId);
  if (isObject(raw.utm)) out.utm = pick(raw.utm, UTM_FIELDS);
  if ('baskets' in raw) out.baskets = Array.isArray(raw.baskets) ? raw.baskets.map((b) => (isObject(b) ? pick(b, BASKET_FIELDS) : b)) : raw.baskets;
  return out;
}

export const ALLOWED_ORDER_FIELDS: readonly string[] = [...ORDER_FIELDS, 'client_hash', 'utm', 'baskets'];
export const ALLOWED_BASKET_FIELDS: readonly string[] = BASKET_FIELDS;

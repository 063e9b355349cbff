import { barcodeHash } from '../../common/barcode-secret.ts';
import { isObject, pick, type SanitizedRecord } from '../../common/pick.ts';

/**
 * The fetcher's allow-list for partner tickets (§7.10). What a fetch returns (see partner-tickets.stream.ts):
 *   `{ refresh: { tickets, outcome } }`  one per show read;
 *   `{ ticket: {...} }`                  one per ticket, as the API sent it.
 * Only the listed ticket fields leave the fetcher. Dropped: the holder's `client_email`, `client_phone`,
 * `client_name`, `client_surname`, `client_middlename`, the Fan ID card (`fanid_card`, a personal document), the
 * visitor's user id and anything undocumented. The barcode (an entry credential) leaves only as its HMAC.
 */
export const PARTNER_TICKET_FIELDS = [
  'id',
  'paid',
  'paid_at',
  'seat_id',
  'offer_id',
  'admission',
  'reserved_to',
  'external_id',
  'external_order_id',
  'price',
  'deleted',
  'payment_type_id',
] as const;

export type SanitizedPartnerRecord = SanitizedRecord & { kind: 'refresh' | 'ticket' | 'malformed' };

export function sanitizePartnerRecord(raw: unknown, salt: string): SanitizedPartnerRecord {
  if (isObject(raw) && isObject(raw.refresh)) return { kind: 'refresh', ...pick(raw.refresh, ['tickets', 'outcome']) };
  if (isObject(raw) && isObject(raw.ticket)) {
    const t = raw.ticket;
    const out: SanitizedPartnerRecord = { kind: 'ticket', ...pick(t, PARTNER_TICKET_FIELDS) };
    const code = t.barcode;
    if ((typeof code === 'string' && code !== '') || (typeof code === 'number' && Number.isSafeInteger(code)))
      out.barcode_hash = barcodeHash(salt, String(code));
    return out;
  }
  return { kind: 'malformed', type: Array.isArray(raw) ? 'array' : typeof raw };
}

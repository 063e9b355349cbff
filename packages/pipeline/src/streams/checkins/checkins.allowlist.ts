import { barcodeHash, sealBarcode } from '../../common/barcode-secret.ts';
import { isObject, pick, type SanitizedRecord } from '../../common/pick.ts';

/**
 * The fetcher's allow-list for the checkins stream. What a fetch returns (see checkins.stream.ts):
 *   `{ list: { count } }`   one per barcode list read (the show was listed, `count` barcodes valid);
 *   `{ barcode: {...} }`    one per listed barcode (§7.9);
 *   `{ scan: {...} }`       one scan status (§5.11: `{barcode, checked_at}`).
 * Holder names (`client_name`, `client_surname`, `client_middlename`) are never requested and would be dropped here
 * anyway; the barcode itself leaves only as its hash and its sealed token (common/barcode-secret.ts).
 */
export const BARCODE_FIELDS = ['admission', 'price', 'seat_name', 'zone_name', 'row', 'place'] as const;

export type SanitizedCheckinRecord = SanitizedRecord & { kind: 'list' | 'barcode' | 'scan' | 'malformed' };

const code = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null);

export function sanitizeCheckinRecord(raw: unknown, salt: string): SanitizedCheckinRecord {
  if (isObject(raw) && isObject(raw.list)) return { kind: 'list', count: raw.list.count };
  if (isObject(raw) && isObject(raw.barcode)) {
    const b = raw.barcode;
    const value = code(b.barcode);
    const out: SanitizedCheckinRecord = { kind: 'barcode', ...pick(b, BARCODE_FIELDS) };
    if (value !== null) Object.assign(out, { barcode_hash: barcodeHash(salt, value), barcode_token: sealBarcode(salt, value) });
    return out;
  }
  if (isObject(raw) && isObject(raw.scan)) {
    const value = code(raw.scan.barcode);
    return { kind: 'scan', ...(value !== null ? { barcode_hash: barcodeHash(salt, value) } : {}), ...pick(raw.scan, ['checked_at']) };
  }
  return { kind: 'malformed', type: Array.isArray(raw) ? 'array' : typeof raw };
}

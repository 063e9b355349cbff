import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * A ticket barcode is an entry credential: whoever holds it can walk in. So it never reaches Redis, ClickHouse or the
 * logs in clear. Two derived forms leave the fetcher instead, both keyed by PII_HASH_SALT (which only the fetcher has):
 *
 * - `barcodeHash`: HMAC-SHA256 (hex, 16 bytes), domain-separated from client hashes. Joins check-ins, valid barcodes
 *   and partner tickets; not reversible.
 * - `sealBarcode`: AES-256-GCM with a synthetic IV (the IV is an HMAC of the barcode, so the same barcode always seals
 *   to the same token and rows stay deterministic). Polling a barcode's scan status needs the barcode itself, and the
 *   scheduler plans those polls from ClickHouse: it carries this token, and only the fetcher can open it.
 *
 * Changing PII_HASH_SALT changes both: the next list of a show re-seals its barcodes, and tokens sealed with the old
 * salt no longer open (`openBarcode` returns null and the poll is skipped).
 */
const HASH_INFO = 'qtp barcode hash v1';
const SEAL_INFO = 'qtp barcode seal v1';
const IV_INFO = 'qtp barcode iv v1';
const PREFIX = 'v1.';

const keys = new Map<string, { hash: Buffer; seal: Buffer; iv: Buffer }>();

function keysFor(salt: string): { hash: Buffer; seal: Buffer; iv: Buffer } {
  let k = keys.get(salt);
  if (!k) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', salt, '', info, 32));
    k = { hash: derive(HASH_INFO), seal: derive(SEAL_INFO), iv: derive(IV_INFO) };
    if (keys.size > 16) keys.clear();
    keys.set(salt, k);
  }
  return k;
}

export function barcodeHash(salt: string, barcode: string): string {
  return createHmac('sha256', keysFor(salt).hash).update(barcode).digest('hex').slice(0, 32);
}

export function sealBarcode(salt: string, barcode: string): string {
  const k = keysFor(salt);
  const iv = createHmac('sha256', k.iv).update(barcode).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', k.seal, iv);
  const body = Buffer.concat([cipher.update(barcode, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** The barcode of a token sealed with this salt, or null (another salt, a damaged or foreign token). */
export function openBarcode(salt: string, token: string): string | null {
  if (!token.startsWith(PREFIX)) return null;
  const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16 + 1) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keysFor(salt).seal, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

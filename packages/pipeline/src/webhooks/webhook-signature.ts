import { createHmac, timingSafeEqual } from 'node:crypto';

/** Contract §9: `X-Signature` is the hex HMAC-SHA1 of the raw body with the shared secret. Constant-time compare. */
export function validSignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !/^[0-9a-fA-F]{40}$/.test(signature.trim())) return false;
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

/**
 * The only things read from a webhook body (which holds the buyer's personal data and is never stored or logged):
 * the order id, and its updated_at so that a redelivery of the same change maps to the same refetch job.
 */
export function orderRef(rawBody: Buffer): { orderId: number; version: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const { id, updated_at } = body as { id?: unknown; updated_at?: unknown };
  const orderId = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(orderId) || orderId <= 0) return null;
  const version =
    typeof updated_at === 'string' && updated_at !== ''
      ? updated_at.replace(/[^0-9]/g, '').slice(0, 20)
      : createHmac('sha1', 'body').update(rawBody).digest('hex').slice(0, 16);
  return { orderId, version };
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/** Contract §9: `X-Signature` is the hex HMAC-SHA1 of the raw body with the shared secret. Constant-time compare. */
export function validSignature(rawBody: Buffer, signature: string | undefined, secret: string): boolean {
  if (!signature || !/^[0-9a-fA-F]{40}$/.test(signature.trim())) return false;
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

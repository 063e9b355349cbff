import { createHmac } from 'node:crypto';

/** HMAC-SHA256(salt, client id), hex, truncated to 16 bytes: joinable across tables, not reversible without the salt. */
export function hashClientId(salt: string, clientId: string | number): string {
  return createHmac('sha256', salt).update(String(clientId)).digest('hex').slice(0, 32);
}

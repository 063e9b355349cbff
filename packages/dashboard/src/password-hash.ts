import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Dashboard passwords are stored as `scrypt.<salt hex>.<key hex>` (DASHBOARD_PASSWORD_HASH), never in clear. No `$` in the format:
 * docker compose would try to interpolate it in an env file.
 * `pnpm dashboard:password` prints one for a password read from stdin.
 */
const KEYLEN = 32;

export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt.${salt.toString('hex')}.${scryptSync(password, salt, KEYLEN).toString('hex')}`;
}

export const PASSWORD_HASH = /^scrypt\.[0-9a-f]{32}\.[0-9a-f]{64}$/;

export function verifyPassword(password: string, stored: string): boolean {
  if (!PASSWORD_HASH.test(stored)) return false;
  const [, saltHex = '', keyHex = ''] = stored.split('.');
  const expected = Buffer.from(keyHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), KEYLEN);
  return timingSafeEqual(actual, expected);
}

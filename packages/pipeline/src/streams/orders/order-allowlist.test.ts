import { describe, expect, it } from 'vitest';
import { fixture, fixtureOrders } from '../../../test/fixtures.ts';
import { hashClientId } from '../../common/client-hash.ts';
import { ALLOWED_BASKET_FIELDS, ALLOWED_ORDER_FIELDS, sanitizeOrder } from './orders.allowlist.ts';

const SALT = 'test-salt-0123456789abcdef';

/** Every string value in the client/holder/card/url fields of a raw order: what must never leave the fetcher. */
function personalValues(order: Record<string, unknown>): string[] {
  const out: string[] = [];
  const client = order.client as { email?: string; details?: Record<string, unknown> } | undefined;
  if (client?.email) out.push(client.email);
  for (const v of Object.values(client?.details ?? {})) if (typeof v === 'string' && v.length > 2) out.push(v);
  for (const k of ['payment_card_number', 'payment_url', 'cancel_url', 'uniqid']) if (typeof order[k] === 'string') out.push(order[k] as string);
  for (const b of (order.baskets as Array<Record<string, unknown>>) ?? []) {
    for (const k of [
      'client_email',
      'client_phone',
      'client_name',
      'client_surname',
      'client_middlename',
      'pdf_url',
      'passbook_url',
      'barcode',
      'inn',
      'kpp',
      'comment',
    ]) {
      if (typeof b[k] === 'string' && (b[k] as string).length > 2) out.push(b[k] as string);
    }
  }
  return out;
}

describe('PII allow-list', () => {
  const orders = [...fixtureOrders(), fixture<{ data: Record<string, unknown> }>('orders.single.json').data];

  it.each(orders.map((o) => [o.id, o] as const))('order %s keeps only allowed fields and no personal value', (_id, raw) => {
    const clean = sanitizeOrder(raw, SALT);
    expect(Object.keys(clean).every((k) => ALLOWED_ORDER_FIELDS.includes(k))).toBe(true);
    for (const b of clean.baskets as Array<Record<string, unknown>>) expect(Object.keys(b).every((k) => ALLOWED_BASKET_FIELDS.includes(k))).toBe(true);
    const text = JSON.stringify(clean);
    const planted = personalValues(raw);
    expect(planted.length).toBeGreaterThan(2);
    for (const value of planted) expect(text).not.toContain(value);
    expect(text).not.toMatch(/@example\./);
    expect(text).not.toMatch(/\+7900/);
  });

  it('replaces the client id with a salted HMAC', () => {
    const [raw] = fixtureOrders();
    const clean = sanitizeOrder(raw, SALT);
    expect(clean.client_hash).toBe(hashClientId(SALT, raw!.client_id as number));
    expect(clean.client_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(clean).not.toHaveProperty('client_id');
    expect(sanitizeOrder(raw, 'another-salt-0000000000').client_hash).not.toBe(clean.client_hash);
    expect(JSON.stringify(clean)).not.toContain(String(raw!.client_id));
  });

  it('keeps UTM marketing fields and money as given', () => {
    const [raw] = fixtureOrders();
    const clean = sanitizeOrder(raw, SALT);
    expect(clean.utm).toEqual(raw!.utm);
    expect(clean.price).toBe(raw!.price);
  });

  it('copies malformed records structurally so they can be quarantined', () => {
    expect(sanitizeOrder('garbage', SALT)).toEqual({ _malformed: 'string' });
    expect(sanitizeOrder({ id: 'x', baskets: null, client: { email: 'a@example.com' } }, SALT)).toEqual({ id: 'x', baskets: null });
  });
});

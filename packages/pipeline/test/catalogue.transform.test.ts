import { describe, expect, it } from 'vitest';
import { hashClientId } from '../src/common/client-hash.ts';
import { sanitizeClient, transformClient } from '../src/streams/clients/clients.stream.ts';
import { colorThemesStream, transformColorTheme } from '../src/streams/color-themes/color-themes.stream.ts';
import { discountsStream } from '../src/streams/discounts/discounts.stream.ts';
import { DISCOUNTS_TABLE, transformDiscount } from '../src/streams/discounts/discounts.transform.ts';
import { promoCodesStream } from '../src/streams/promo-codes/promo-codes.stream.ts';
import { PROMO_CODES_TABLE, transformPromoCode } from '../src/streams/promo-codes/promo-codes.transform.ts';
import type { RecordResult } from '../src/streams/stream.ts';
import { type Envelope, fixture } from './fixtures.ts';

const ctx = { fetchedAt: '2026-11-30T21:30:00.000Z', runId: 'discounts-rec-1' };
const SALT = 'unit-salt-0123456789';

function onlyRow(r: RecordResult, table: string): Record<string, unknown> {
  if (r.kind !== 'rows') throw new Error(`quarantined: ${r.reason}`);
  const rows = r.rows[table];
  expect(rows).toHaveLength(1);
  return rows?.[0] as Record<string, unknown>;
}

describe('discounts → dim_qtickets_discounts', () => {
  const raw = fixture<Envelope>('discounts.page1.json').data;

  it('maps every fixture discount; soft-deleted ones are flagged; version = fetch time', () => {
    for (const d of raw) {
      const row = onlyRow(transformDiscount(discountsStream.sanitize(d, { piiSalt: SALT }), ctx), DISCOUNTS_TABLE);
      expect(row.discount_id).toBe(d.id);
      expect(row.is_deleted).toBe(d.deleted_at ? 1 : 0);
      expect(row._ver).toBe('2026-11-30 21:30:00.000');
      expect(row._run_id).toBe(ctx.runId);
      expect(row.vanished_at).toBeNull();
    }
  });

  it.each([
    ['Moscow offset to UTC', { active_to: '2025-10-01T23:59:00+03:00' }, { active_to: '2025-10-01 20:59:00.000' }],
    ['no dates', { active_from: null, active_to: null }, { active_from: null, active_to: null }],
    [
      'events and shows shrink to ids',
      { events: [{ id: 7, name: 'x', is_active: 1 }], shows: [{ id: 9, start_date: '2025-10-01T10:00:00+03:00' }] },
      { event_ids: [7], show_ids: [9] },
    ],
    ['is_active as a string', { is_active: '1' }, { is_active: 1 }],
  ])('%s', (_name, over, expected) => {
    const d = { ...raw[0], ...over };
    expect(onlyRow(transformDiscount(discountsStream.sanitize(d, { piiSalt: SALT }), ctx), DISCOUNTS_TABLE)).toMatchObject(expected);
  });

  it.each([
    ['no id', { id: undefined }, /id/],
    ['no name', { name: undefined }, /name/],
    ['bad timestamp', { updated_at: '2025-13-45T25:00:00+03:00' }, /updated_at/],
  ])('quarantines a discount with %s', (_name, over, reason) => {
    const r = transformDiscount(discountsStream.sanitize({ ...raw[0], ...over }, { piiSalt: SALT }), ctx);
    expect(r.kind).toBe('quarantine');
    expect(r.kind === 'quarantine' && r.reason).toMatch(reason);
  });
});

describe('promo codes → dim_qtickets_promo_codes', () => {
  const raw = fixture<Envelope>('promo-codes.page1.json').data;

  it('maps every fixture promo code with its discount, limit and flags', () => {
    for (const p of raw) {
      const row = onlyRow(transformPromoCode(promoCodesStream.sanitize(p, { piiSalt: SALT }), ctx), PROMO_CODES_TABLE);
      expect(row).toMatchObject({
        promo_code_id: p.id,
        discount_id: p.discount_id,
        code: p.code,
        max_uses_count: p.max_uses_count,
        is_deleted: p.deleted_at ? 1 : 0,
      });
    }
  });

  it('quarantines a promo code without a discount id', () => {
    expect(transformPromoCode({ ...raw[0], discount_id: null }, ctx).kind).toBe('quarantine');
  });

  it('drops fields outside the allow-list at the fetcher', () => {
    const out = promoCodesStream.sanitize({ ...raw[0], owner_email: 'someone@example.com' }, { piiSalt: SALT }) as Record<string, unknown>;
    expect(out).not.toHaveProperty('owner_email');
  });
});

describe('price shades → dim_qtickets_color_themes', () => {
  it.each([
    [
      { id: 4, color: '#4a90e2' },
      { color_theme_id: 4, color: '#4a90e2', is_deleted: 0 },
    ],
    [
      { id: '15', color: '#2e8b57' },
      { color_theme_id: 15, color: '#2e8b57' },
    ],
  ])('maps %j', (raw, expected) => {
    expect(onlyRow(transformColorTheme(colorThemesStream.sanitize(raw, { piiSalt: SALT }), ctx), 'dim_qtickets_color_themes')).toMatchObject(expected);
  });

  it('maps the fixture and quarantines a shade without a color', () => {
    for (const t of fixture<Envelope>('color-themes.list.json').data) expect(transformColorTheme(t, ctx).kind).toBe('rows');
    expect(transformColorTheme({ id: 3 }, ctx).kind).toBe('quarantine');
  });
});

describe('clients → stg_qtickets_api_clients (PII-free)', () => {
  const raw = fixture<Envelope>('clients.page1.json').data;

  it('keeps only the salted hash of the id: no e-mail, name, phone or social id leaves the fetcher', () => {
    for (const c of raw) {
      const clean = sanitizeClient(c, SALT);
      expect(Object.keys(clean)).toEqual(['client_hash']);
      const text = JSON.stringify(transformClient(clean, ctx));
      const details = c.details as Record<string, unknown>;
      for (const v of [c.email, details.name, details.surname, details.phone]) if (typeof v === 'string' && v) expect(text).not.toContain(v);
      expect(onlyRow(transformClient(clean, ctx), 'stg_qtickets_api_clients')).toMatchObject({
        client_hash: hashClientId(SALT, c.id as number),
        created_at: null,
        is_deleted: 0,
      });
    }
  });

  it('quarantines a client without a usable id, keeping nothing personal', () => {
    const r = transformClient(sanitizeClient({ email: 'x@example.com', details: { name: 'Имя' } }, SALT), ctx);
    expect(r.kind).toBe('quarantine');
    expect(r.kind === 'quarantine' && r.raw).not.toContain('example.com');
  });
});

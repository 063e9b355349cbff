import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.ts';
import { barcodeHash } from '../../common/barcode-secret.ts';
import { schedulerEnv } from '../../config/env.ts';
import type { RecordResult } from '../stream.ts';
import { duePartnerShows, type PartnerShow } from './partner-tickets.due.ts';
import { partnerTicketsStream } from './partner-tickets.stream.ts';
import { PARTNER_TABLES, transformPartnerRecord } from './partner-tickets.transform.ts';

const SALT = 'unit-salt-0123456789';
const ctx = { fetchedAt: '2026-11-20T09:07:31.000Z', runId: 'partner_tickets-inc-1', parent: { event_id: 90455, show_id: 611301 } };
const sanitize = (raw: unknown) => partnerTicketsStream.sanitize(raw, { piiSalt: SALT });
const tickets = fixture<{ result: Array<Record<string, unknown>> }>('partners.tickets-find.json').result;
const PII = /buyer\.partner@example\.com|\+79000000108|Марина|Зуева|client_|fanid|visitor/;

function row(r: RecordResult): Record<string, unknown> {
  if (r.kind !== 'rows') throw new Error(`quarantined: ${r.reason}`);
  const rows = r.rows[PARTNER_TABLES.tickets];
  expect(rows).toHaveLength(1);
  return rows?.[0] as Record<string, unknown>;
}

describe('partner tickets: allow-list and transform', () => {
  it('drops holder e-mails, phones, names, Fan ID and visitor ids; hashes the barcode', () => {
    for (const t of tickets) {
      const clean = sanitize({ ticket: { ...t, fanid_card: { id: 1, value: '1234567890' }, visitor_user_id: 77 } });
      expect(JSON.stringify(clean)).not.toMatch(PII);
      if (t.barcode) expect(JSON.stringify(clean)).not.toContain(String(t.barcode));
    }
  });

  it('maps the fixture: exact money, UTC paid_at with its Moscow day, the deleted flag, the show from the request', () => {
    const [paid, deleted] = tickets.map((t) => row(transformPartnerRecord(sanitize({ ticket: t }), ctx)));
    expect(paid).toEqual({
      ticket_id: 3310051,
      event_id: 90455,
      show_id: 611301,
      seat_id: 'PARTERRE-6;2',
      offer_id: 'full',
      admission: 0,
      paid: 1,
      paid_at: '2025-11-21 12:02:00.000',
      paid_date_msk: '2025-11-21',
      reserved_to: '2025-11-22 07:00:00.000',
      price: '1199.50',
      external_id: 'ext-t-000981',
      external_order_id: 'ext-o-5521',
      payment_type_id: null,
      barcode_hash: barcodeHash(SALT, '879672189680'),
      is_deleted: 0,
      vanished_at: null,
      _run_id: 'partner_tickets-inc-1',
      _ver: '2026-11-20 09:07:31.000',
    });
    expect(deleted).toMatchObject({
      ticket_id: 3310052,
      paid: 0,
      paid_at: null,
      paid_date_msk: null,
      offer_id: '',
      barcode_hash: null,
      is_deleted: 1,
      price: '500.00',
    });
  });

  it.each([
    ['venue +10:00, still the Moscow day before', '2026-11-21T06:59:59+10:00', '2026-11-20 20:59:59.000', '2026-11-20'],
    ['venue +10:00, Moscow midnight', '2026-11-21T07:00:00+10:00', '2026-11-20 21:00:00.000', '2026-11-21'],
    ['venue +07:00', '2026-11-21T03:59:59+07:00', '2026-11-20 20:59:59.000', '2026-11-20'],
    ['Moscow offset', '2026-11-21T00:00:00+03:00', '2026-11-20 21:00:00.000', '2026-11-21'],
    ['UTC', '2026-11-20T20:59:59Z', '2026-11-20 20:59:59.000', '2026-11-20'],
    ['venue +10:00 while Moscow was UTC+4 (2014)', '2014-10-26T06:30:00+10:00', '2014-10-25 20:30:00.000', '2014-10-26'],
    ['venue +10:00 after Moscow went back to UTC+3', '2014-10-26T08:30:00+10:00', '2014-10-25 22:30:00.000', '2014-10-26'],
    ['venue +10:00 one minute past Moscow midnight (UTC+4)', '2014-10-26T06:01:00+10:00', '2014-10-25 20:01:00.000', '2014-10-26'],
  ])('paid_at: %s', (_name, paidAt, utc, day) => {
    expect(row(transformPartnerRecord(sanitize({ ticket: { ...tickets[0], paid_at: paidAt } }), ctx))).toMatchObject({ paid_at: utc, paid_date_msk: day });
  });

  it.each([
    ['an integer id', 3310051, 3310051],
    ['a string id', '3310051', 3310051],
    ['a string paid flag', '1', 3310051],
  ])('normalises %s', (name, value, id) => {
    const t = name === 'a string paid flag' ? { ...tickets[0], paid: value } : { ...tickets[0], id: value };
    expect(row(transformPartnerRecord(sanitize({ ticket: t }), ctx))).toMatchObject({ ticket_id: id, paid: 1 });
  });

  it('a show refresh is logged with its outcome', () => {
    const r = transformPartnerRecord(sanitize({ refresh: { tickets: 2, outcome: 'ok' } }), ctx);
    expect(r.kind === 'rows' && r.rows[PARTNER_TABLES.refreshes]).toEqual([
      {
        event_id: 90455,
        show_id: 611301,
        refreshed_at: '2026-11-20 09:07:31.000',
        tickets: 2,
        outcome: 'ok',
        _run_id: 'partner_tickets-inc-1',
        _ver: '2026-11-20 09:07:31.000',
      },
    ]);
  });

  it.each([
    ['a non-numeric id', { id: 'T-1' }, /id/],
    ['no seat', { seat_id: undefined }, /seat_id/],
    ['a float price', { price: 1199.555 }, /price/],
    ['a paid_at without offset', { paid_at: '2025-11-21 15:02:00' }, /paid_at/],
  ])('quarantines a ticket with %s, without its personal data', (_name, over, reason) => {
    const r = transformPartnerRecord(sanitize({ ticket: { ...tickets[0], ...over } }), ctx);
    expect(r.kind).toBe('quarantine');
    expect(r.kind === 'quarantine' && r.reason).toMatch(reason);
    expect(r.kind === 'quarantine' && r.raw).not.toMatch(PII);
  });

  it('quarantines a ticket without its show', () => {
    expect(transformPartnerRecord(sanitize({ ticket: tickets[0] }), { fetchedAt: ctx.fetchedAt, runId: 'r' }).kind).toBe('quarantine');
  });
});

describe('partner tickets: which shows are read', () => {
  const H = 3_600_000;
  const D = 24 * H;
  const now = Date.parse('2026-11-20T12:00:00Z');
  const cadence = { intervalMs: H, settleMs: 7 * D };
  const show = (id: number, endIn: number, readAgo: number | null): PartnerShow => ({
    showId: id,
    eventId: 9,
    endMs: now + endIn,
    lastRefreshMs: readAgo === null ? null : now - readAgo,
  });

  it.each([
    ['never read, long over: once', show(1, -100 * D, null), true, true],
    ['on sale, read 59 min ago', show(2, 10 * D, 59 * 60_000), false, true],
    ['on sale, read 61 min ago', show(3, 10 * D, 61 * 60_000), true, true],
    ['ended 6 days ago, read 2 h ago (settling)', show(4, -6 * D, 2 * H), true, true],
    ['ended 8 days ago, read 2 h ago (settled)', show(5, -8 * D, 2 * H), false, true],
  ])('%s', (_name, s, incremental, reconcile) => {
    expect(duePartnerShows([s], now, cadence, 10, 'incremental').length).toBe(incremental ? 1 : 0);
    expect(duePartnerShows([s], now, cadence, 10, 'reconcile').length).toBe(reconcile ? 1 : 0);
  });

  it('keeps within the budget, never-read first, then the most stale', () => {
    const shows = [show(1, D, 2 * H), show(2, D, 5 * H), show(3, D, null), show(4, D, 3 * H)];
    expect(duePartnerShows(shows, now, cadence, 2, 'incremental').map((s) => s.showId)).toEqual([3, 2]);
  });
});

describe('partner tickets: switched off without a partner key', () => {
  const base = { REDIS_URL: 'redis://127.0.0.1:6379', CLICKHOUSE_URL: 'http://127.0.0.1:8123' };
  it('the scheduler keeps only whether the key is set, never the key', () => {
    const on = schedulerEnv.parse({ ...base, QTICKETS_PARTNERS_TOKEN: 'a-partner-key-0123' }) as Record<string, unknown>;
    expect(on.QTICKETS_PARTNERS_TOKEN).toBe(true);
    expect(JSON.stringify(on)).not.toContain('a-partner-key-0123');
    expect(partnerTicketsStream.disabledReason?.(on)).toBeNull();
    const off = schedulerEnv.parse(base) as Record<string, unknown>;
    expect(partnerTicketsStream.disabledReason?.(off)).toMatch(/QTICKETS_PARTNERS_TOKEN is not set/);
  });
});

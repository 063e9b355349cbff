import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.ts';
import { barcodeHash, openBarcode, sealBarcode } from '../../common/barcode-secret.ts';
import { hashClientId } from '../../common/client-hash.ts';
import { chunkRecords } from '../../handlers/fetch-item.handler.ts';
import type { RecordResult } from '../stream.ts';
import { type CheckinCadence, type CheckinShow, dueLists, inWindow, pollIntervalFor } from './checkins.due.ts';
import { BARCODE_SELECT, checkinsStream } from './checkins.stream.ts';
import { CHECKIN_TABLES, transformCheckinRecord } from './checkins.transform.ts';

const SALT = 'unit-salt-0123456789';
const listParent = { kind: 'list', show_id: 611301, event_id: 90455 };
const ctx = (parent: Record<string, string | number | boolean | null>) => ({ fetchedAt: '2026-11-20T09:07:31.000Z', runId: 'checkins-inc-1', parent });
const sanitize = (raw: unknown) => checkinsStream.sanitize(raw, { piiSalt: SALT });
const scanParent = (code: string) => ({
  kind: 'scan',
  show_id: 610021,
  event_id: 90412,
  barcode_hash: barcodeHash(SALT, code),
  token: sealBarcode(SALT, code),
  zone_name: 'Партер',
  seat_name: 'Партер: ряд 5, место 11',
});

function rowsOf(r: RecordResult, table: string): Array<Record<string, unknown>> {
  if (r.kind !== 'rows') throw new Error(`quarantined: ${r.reason}`);
  return r.rows[table] ?? [];
}

describe('barcode secrets (an entry credential never leaves the fetcher in clear)', () => {
  it('hash: deterministic per salt, 32 hex, not the client-id HMAC of the same text', () => {
    expect(barcodeHash(SALT, '879235697721')).toBe(barcodeHash(SALT, '879235697721'));
    expect(barcodeHash(SALT, '879235697721')).toMatch(/^[0-9a-f]{32}$/);
    expect(barcodeHash('another-salt-0123456789', '879235697721')).not.toBe(barcodeHash(SALT, '879235697721'));
    expect(barcodeHash(SALT, '879235697721')).not.toBe(hashClientId(SALT, '879235697721'));
  });

  it('seal: deterministic, opens only with the same salt, rejects tampering, never shows the barcode', () => {
    const token = sealBarcode(SALT, '879235697721');
    expect(token).toBe(sealBarcode(SALT, '879235697721'));
    expect(token).not.toContain('879235697721');
    expect(sealBarcode(SALT, '879235697722')).not.toBe(token);
    expect(openBarcode(SALT, token)).toBe('879235697721');
    expect(openBarcode('another-salt-0123456789', token)).toBeNull();
    const flipped = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    expect(openBarcode(SALT, flipped)).toBeNull();
    expect(openBarcode(SALT, 'v1.short')).toBeNull();
    expect(openBarcode(SALT, 'not-a-token')).toBeNull();
  });
});

describe('checkins allow-list and transform', () => {
  const list = fixture<Array<Record<string, unknown>>>('shows.barcodes.list.json');

  it('never asks for holder names', () => {
    expect(BARCODE_SELECT.some((f) => f.startsWith('client_'))).toBe(false);
  });

  it('a listed barcode becomes its hash and sealed token; holder names are dropped even if the API sends them', () => {
    for (const b of list) {
      const raw = { barcode: { ...b, client_name: 'Марина', client_surname: 'Зуева', client_middlename: 'Петровна' } };
      const clean = sanitize(raw);
      expect(JSON.stringify(clean)).not.toMatch(/Марина|Зуева|Петровна|client_/);
      expect(JSON.stringify(clean)).not.toContain(String(b.barcode));
      const [row] = rowsOf(transformCheckinRecord(clean, ctx(listParent)), CHECKIN_TABLES.barcodes);
      expect(row).toMatchObject({
        show_id: 611301,
        event_id: 90455,
        barcode_hash: barcodeHash(SALT, String(b.barcode)),
        zone_name: b.zone_name,
        seat_name: b.seat_name,
        row: b.row,
        place: b.place,
        admission: b.admission ? 1 : 0,
        is_valid: 1,
        listed_at: '2026-11-20 09:07:31.000',
        vanished_at: null,
        _run_id: 'checkins-inc-1',
        _ver: '2026-11-20 09:07:31.000',
      });
      expect(openBarcode(SALT, String(row?.barcode_token))).toBe(String(b.barcode));
    }
    expect(rowsOf(transformCheckinRecord(sanitize({ barcode: list[0] }), ctx(listParent)), CHECKIN_TABLES.barcodes)[0]?.price).toBe('1500.00');
  });

  it('the list marker records the read and its size', () => {
    expect(rowsOf(transformCheckinRecord(sanitize({ list: { count: 3 } }), ctx(listParent)), CHECKIN_TABLES.lists)).toEqual([
      { show_id: 611301, event_id: 90455, listed_at: '2026-11-20 09:07:31.000', barcodes: 3, _run_id: 'checkins-inc-1', _ver: '2026-11-20 09:07:31.000' },
    ]);
  });

  it.each([
    ['the fixture (Moscow offset)', '2025-11-20T11:15:41+03:00', '2025-11-20 08:15:41.000', '2025-11-20'],
    ['last second of a Moscow day', '2026-11-20T23:59:59+03:00', '2026-11-20 20:59:59.000', '2026-11-20'],
    ['Moscow midnight written in UTC', '2026-11-20T21:00:00Z', '2026-11-20 21:00:00.000', '2026-11-21'],
    ['a venue offset (+10:00), same Moscow day', '2026-11-21T06:30:00+10:00', '2026-11-20 20:30:00.000', '2026-11-20'],
    ['a venue offset (+10:00), past Moscow midnight', '2026-11-21T07:00:00+10:00', '2026-11-20 21:00:00.000', '2026-11-21'],
    ['Moscow at UTC+4 (2013)', '2013-06-01T20:00:00Z', '2013-06-01 20:00:00.000', '2013-06-02'],
    ['not scanned yet', null, null, null],
  ])('scan status: %s', (_name, checkedAt, utc, day) => {
    const code = '879058145163';
    const [row] = rowsOf(transformCheckinRecord(sanitize({ scan: { barcode: code, checked_at: checkedAt } }), ctx(scanParent(code))), CHECKIN_TABLES.checkins);
    expect(row).toEqual({
      show_id: 610021,
      event_id: 90412,
      barcode_hash: barcodeHash(SALT, code),
      zone_name: 'Партер',
      seat_name: 'Партер: ряд 5, место 11',
      checked_at: utc,
      checked_date_msk: day,
      polled_at: '2026-11-20 09:07:31.000',
      _ver: '2026-11-20 09:07:31.000',
    });
  });

  it('the scan fixture maps as served', () => {
    const scan = fixture<Record<string, unknown>>('shows.barcode.scan-info.json');
    const [row] = rowsOf(transformCheckinRecord(sanitize({ scan }), ctx(scanParent(String(scan.barcode)))), CHECKIN_TABLES.checkins);
    expect(row).toMatchObject({ checked_at: '2025-11-20 08:15:41.000', checked_date_msk: '2025-11-20' });
  });

  it.each([
    ['a scan for another barcode than the one polled', { scan: { barcode: '1', checked_at: null } }, scanParent('2'), /another barcode/],
    ['a scan under a list parent', { scan: { barcode: '1', checked_at: null } }, listParent, /outside a scan/],
    ['a listed barcode under a scan parent', { barcode: { barcode: '1' } }, scanParent('1'), /outside a list read/],
    ['a barcode without its code', { barcode: { price: 100 } }, listParent, /barcode_hash/],
    ['a bad scan time', { scan: { barcode: '1', checked_at: '2025-13-45T25:00:00+03:00' } }, scanParent('1'), /checked_at/],
    ['a float price', { barcode: { barcode: '1', price: 1.005 } }, listParent, /price/],
    ['no show', { list: { count: 1 } }, null, /parent/],
    ['not a record', 'garbage', listParent, /kind/],
  ])('quarantines %s', (_name, raw, parent, reason) => {
    const r = transformCheckinRecord(sanitize(raw), parent ? ctx(parent) : { fetchedAt: '2026-11-20T09:00:00Z', runId: 'r' });
    expect(r.kind).toBe('quarantine');
    expect(r.kind === 'quarantine' && r.reason).toMatch(reason);
    expect(r.kind === 'quarantine' && r.raw).not.toMatch(/"barcode":"\d/);
  });
});

describe('which shows are listed and how often barcodes are polled', () => {
  const H = 3_600_000;
  const now = Date.parse('2026-11-20T12:00:00Z');
  const c: CheckinCadence = { beforeMs: 2 * H, afterMs: 4 * H, listIntervalMs: 15 * 60_000, pollIntervalMs: 5 * 60_000, longPollIntervalMs: H };
  const show = (id: number, startIn: number, lengthMs: number, listedAgo: number | null): CheckinShow => ({
    showId: id,
    eventId: 1,
    startMs: now + startIn,
    endMs: now + startIn + lengthMs,
    lastListedMs: listedAgo === null ? null : now - listedAgo,
  });

  it.each([
    ['starts in 2 h 1 min: before the window', show(1, 2 * H + 60_000, 2 * H, null), false],
    ['starts in exactly 2 h: window opens', show(2, 2 * H, 2 * H, null), true],
    ['running now', show(3, -H, 2 * H, null), true],
    ['ended 4 h ago: window closes', show(4, -6 * H, 2 * H, null), true],
    ['ended 4 h 1 min ago: after the window', show(5, -6 * H - 60_000, 2 * H, null), false],
    ['an exhibition running for months', show(6, -30 * 24 * H, 300 * 24 * H, null), true],
  ])('window: %s', (_name, s, inside) => {
    expect(inWindow(s, now, c)).toBe(inside);
    expect(dueLists([s], now, c, 10, 'incremental').length).toBe(inside ? 1 : 0);
  });

  it.each([
    ['never listed', show(1, 0, 2 * H, null), true],
    ['listed 14 min ago', show(2, 0, 2 * H, 14 * 60_000), false],
    ['listed 15 min ago', show(3, 0, 2 * H, 15 * 60_000), true],
  ])('list cadence: %s', (_name, s, due) => {
    expect(dueLists([s], now, c, 10, 'incremental').length).toBe(due ? 1 : 0);
    // a reconcile (requeue) lists every in-window show now
    expect(dueLists([s], now, c, 10, 'reconcile').length).toBe(1);
  });

  it('keeps within the budget, most stale first (never listed first)', () => {
    const shows = [show(1, 0, 2 * H, 20 * 60_000), show(2, 0, 2 * H, 60 * 60_000), show(3, 0, 2 * H, null), show(4, 0, 2 * H, 16 * 60_000)];
    expect(dueLists(shows, now, c, 2, 'incremental').map((s) => s.showId)).toEqual([3, 2]);
    expect(dueLists(shows, now, c, 0, 'incremental')).toEqual([]);
  });

  it('polls dated shows at the short interval and shows longer than a day at the long one', () => {
    expect(pollIntervalFor(show(1, 0, 3 * H, null), c)).toBe(5 * 60_000);
    expect(pollIntervalFor(show(2, 0, 24 * H, null), c)).toBe(5 * 60_000);
    expect(pollIntervalFor(show(3, 0, 24 * H + 1, null), c)).toBe(H);
  });
});

describe('large parent responses go on in chunks', () => {
  it('splits by serialised size and keeps every record once, in order', () => {
    const records = Array.from({ length: 1_000 }, (_, i) => ({ i, pad: 'x'.repeat(100) }));
    const chunks = chunkRecords(records, 10_000);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThanOrEqual(10_000 + 2);
    expect(chunks.flat()).toEqual(records);
    expect(chunkRecords([])).toEqual([[]]);
    expect(chunkRecords([{ big: 'y'.repeat(500) }, { n: 1 }], 100)).toEqual([[{ big: 'y'.repeat(500) }], [{ n: 1 }]]);
  });
});

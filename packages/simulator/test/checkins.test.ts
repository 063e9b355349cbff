import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.ts';
import { api, call, simulatorPool, TS, walk } from './http-helpers.ts';

/**
 * Check-ins (contract §5.10, §5.11, §7.9): GET /shows/{id}/barcodes lists the currently valid barcodes, GET
 * /shows/{id}/barcode/{barcode} their scan time; tickets get scanned around show time as the clock moves.
 * truth().checkins per show and sim.barcodeCheckins(showId) agree with both endpoints.
 */

type Row = Record<string, unknown>;
const HOUR = 3600_000;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

const PUBLIC_FIELDS = ['barcode', 'admission', 'price', 'seat_name', 'zone_name', 'row', 'place'];

describe('check-ins', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await start({ seed: 31, orders: 3_000, historyDays: 20, events: 10 });
  });

  async function expectCheckinsMatch(): Promise<void> {
    const truth = sim.truth();
    expect(truth.checkins.map((c) => c.show_id)).toEqual(truth.shows.map((s) => s.show_id));
    for (const c of truth.checkins) {
      const listed = (await api(sim, `/shows/${c.show_id}/barcodes`)).json as Row[];
      const helper = sim.barcodeCheckins(c.show_id);
      expect(listed.length, `show ${c.show_id}`).toBe(c.valid_barcodes);
      expect(helper.map((h) => h.barcode).sort()).toEqual(listed.map((l) => l.barcode as string).sort());
      expect(helper.filter((h) => h.checked_at !== null).length).toBe(c.checked_in);
      // scan info agrees with the helper (a sample per show keeps the request count down)
      for (const h of helper.filter((_, i) => i % 25 === 0)) {
        expect((await api(sim, `/shows/${c.show_id}/barcode/${h.barcode}`)).json).toEqual({ barcode: h.barcode, checked_at: h.checked_at });
      }
    }
    expect(truth.checkins.some((c) => c.checked_in > 0)).toBe(true);
  }

  it('truth per show = the barcodes list and the scan statuses', async () => {
    await expectCheckinsMatch();
    const any = sim.truth().checkins.find((c) => c.valid_barcodes > 0);
    expect((await call(`${sim.url}/__sim/checkins/${any?.show_id}`)).json).toEqual(sim.barcodeCheckins(any?.show_id as number));
    expect(sim.barcodeCheckins(1)).toEqual([]);
  });

  it('tickets are scanned around show time as the clock advances', async () => {
    const events = (await walk(sim, '/events')).rows;
    const nowMs = Date.parse(sim.now());
    const upcoming = events
      .flatMap((e) =>
        (e.shows as Row[]).map((s) => ({ id: s.id as number, start: Date.parse(s.start_date as string), finish: Date.parse(s.finish_date as string) })),
      )
      .filter((s) => s.start - nowMs > 2 * HOUR && s.finish - s.start < 24 * HOUR && sim.barcodeCheckins(s.id).length > 0)
      .sort((a, b) => a.start - b.start);
    const show = upcoming[0];
    expect(show).toBeDefined();
    if (!show) return;
    const before = sim.truth().checkins.find((c) => c.show_id === show.id);
    expect(before?.checked_in).toBe(0);
    sim.advance(show.start - nowMs - HOUR); // an hour before the start: nobody is in yet
    expect(sim.truth().checkins.find((c) => c.show_id === show.id)?.checked_in).toBe(0);
    sim.advance(show.finish - show.start + HOUR); // the show is over
    const after = sim.truth().checkins.find((c) => c.show_id === show.id);
    expect(after?.checked_in).toBeGreaterThan(0);
    expect(after?.checked_in).toBeLessThanOrEqual(after?.valid_barcodes as number);
    for (const h of sim.barcodeCheckins(show.id)) {
      if (h.checked_at === null) continue;
      expect(h.checked_at).toMatch(TS);
      const at = Date.parse(h.checked_at);
      expect(at).toBeGreaterThan(show.start - HOUR);
      expect(at).toBeLessThan(show.finish);
    }
    await expectCheckinsMatch();
  });

  it('select: the list omits client_* fields unless selected; scan info is always {barcode, checked_at}', async () => {
    const c = sim.truth().checkins.find((x) => x.valid_barcodes > 0 && x.checked_in > 0);
    const id = c?.show_id;
    const plain = (await api(sim, `/shows/${id}/barcodes`)).json as Row[];
    expect(plain.every((r) => JSON.stringify(Object.keys(r)) === JSON.stringify(PUBLIC_FIELDS))).toBe(true);
    const withNames = (await api(sim, `/shows/${id}/barcodes`, { body: { select: ['barcode', 'client_name', 'client_surname'] } })).json as Row[];
    expect(Object.keys(withNames[0] ?? {})).toEqual(['barcode', 'client_name', 'client_surname']);
    const viaQuery = (await api(sim, `/shows/${id}/barcodes`, { query: { select: ['barcode', 'zone_name'] } })).json as Row[];
    expect(Object.keys(viaQuery[0] ?? {})).toEqual(['barcode', 'zone_name']);
    const checked = sim.barcodeCheckins(id as number).find((h) => h.checked_at !== null);
    const scan = await api(sim, `/shows/${id}/barcode/${checked?.barcode}`, { body: { select: ['barcode', 'client_name', 'checked_at'] } });
    expect(scan.json).toEqual({ barcode: checked?.barcode, checked_at: checked?.checked_at });
  });
});

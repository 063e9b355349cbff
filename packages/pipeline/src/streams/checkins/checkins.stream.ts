import { isQTicketsError } from '@qtp/qtickets-client';
import { intFromEnv } from '@qtp/shared';
import { openBarcode } from '../../common/barcode-secret.ts';
import { readOrGone } from '../../common/not-found.ts';
import { durationSetting } from '../../config/settings.ts';
import { defineStream, type PlannedItem, type SettingsOf } from '../stream.ts';
import { perParentSync } from '../sync/per-parent.sync.ts';
import { sanitizeCheckinRecord } from './checkins.allowlist.ts';
import { checkinShows, dueLists, inWindow, newlyListed, pollIntervalFor, type ScanCandidate, scanCandidates } from './checkins.due.ts';
import { CHECKIN_TABLES, checkinParentSchema, listParentSchema, transformCheckinRecord } from './checkins.transform.ts';

/** What is asked of GET /shows/{id}/barcodes: never the holder names (client_name, client_surname, client_middlename). */
export const BARCODE_SELECT = ['barcode', 'admission', 'price', 'seat_name', 'zone_name', 'row', 'place'] as const;

/** The stream's scheduler settings (its code reads them typed). */
const CHECKINS_SETTINGS = {
  CHECKINS_MAX_REQUESTS_PER_RUN: intFromEnv(1, 100_000).default(300),
  CHECKINS_WINDOW_BEFORE: durationSetting.default(2 * 3_600_000),
  CHECKINS_WINDOW_AFTER: durationSetting.default(4 * 3_600_000),
  CHECKINS_LIST_INTERVAL: durationSetting.default(15 * 60_000),
  CHECKINS_POLL_INTERVAL: durationSetting.default(5 * 60_000),
  CHECKINS_LONG_POLL_INTERVAL: durationSetting.default(3_600_000),
};

/**
 * Check-ins (contract §5.10, §5.11). Only around each show — from CHECKINS_WINDOW_BEFORE before its start to
 * CHECKINS_WINDOW_AFTER after its end — the scheduler plans, per run and within CHECKINS_MAX_REQUESTS_PER_RUN:
 *   1. one `GET /shows/{id}/barcodes` per in-window show whose list is older than CHECKINS_LIST_INTERVAL (the list is
 *      a snapshot of the currently valid barcodes; barcodes it drops are marked invalid once the run is complete);
 *   2. with what is left of the budget, one `GET /shows/{id}/barcode/{barcode}` per valid barcode not yet seen scanned,
 *      most urgent first (never polled, then longest since its last poll relative to CHECKINS_POLL_INTERVAL, or
 *      CHECKINS_LONG_POLL_INTERVAL for shows longer than a day). A scanned barcode is never polled again.
 *   3. once a list of this run is written, with what is still left of the budget, one poll per barcode it returned
 *      that was never polled (a follow-up of the list, in the same run: a cold start converges in one run).
 * Each is one fetch job = one request, so the fetch queue's limiter counts them honestly. A reconcile run (re-queue)
 * lists every in-window show and polls every unscanned barcode regardless of the intervals, within the same budget.
 * The plan is staged in Redis and fanned out in slices: the budget's whole range (up to 100,000) fits.
 */
const scanItem = (c: ScanCandidate): PlannedItem => ({
  query: 'item',
  key: `sc${c.showId}-${c.barcodeHash}`,
  parent: { kind: 'scan', show_id: c.showId, event_id: c.eventId, barcode_hash: c.barcodeHash, token: c.token, zone_name: c.zoneName, seat_name: c.seatName },
});

export const checkinsStream = defineStream({
  name: 'checkins',
  source: {
    kind: 'per-parent',
    endpoint: 'GET /shows/{id}/barcodes, GET /shows/{id}/barcode/{barcode}',
    async fetch({ api, parent, log, piiSalt }) {
      const p = checkinParentSchema.parse(parent);
      if (p.kind === 'list') {
        try {
          const list = await api.showBarcodes(p.show_id, [...BARCODE_SELECT]);
          return [{ list: { count: list.length } }, ...list.map((barcode) => ({ barcode }))];
        } catch (err) {
          // The show is gone upstream: it has no valid barcodes any more.
          if (isQTicketsError(err) && err.kind === 'not_found') {
            log.info({ showId: p.show_id }, 'show not found: listed as having no valid barcodes');
            return [{ list: { count: 0 } }];
          }
          throw err;
        }
      }
      const barcode = openBarcode(piiSalt, p.token);
      if (barcode === null) {
        log.warn({ showId: p.show_id, barcodeHash: p.barcode_hash }, 'barcode token does not open (PII_HASH_SALT changed?): skipped until the next list');
        return [];
      }
      // No longer valid (cancelled, moved): the next list of the show marks it invalid.
      return readOrGone<unknown>(
        async () => ({ scan: await api.barcodeScan(p.show_id, barcode) }),
        () => {
          log.info({ showId: p.show_id, barcodeHash: p.barcode_hash }, 'barcode not found: left to the next list');
          return [];
        },
      );
    },
  },
  sync: perParentSync<SettingsOf<typeof CHECKINS_SETTINGS>>({
    async due(ctx) {
      const s = ctx.config;
      const now = ctx.now.getTime();
      const cadence = {
        beforeMs: s.CHECKINS_WINDOW_BEFORE,
        afterMs: s.CHECKINS_WINDOW_AFTER,
        listIntervalMs: s.CHECKINS_LIST_INTERVAL,
        pollIntervalMs: s.CHECKINS_POLL_INTERVAL,
        longPollIntervalMs: s.CHECKINS_LONG_POLL_INTERVAL,
      };
      const shows = await checkinShows(ctx.clickhouse);
      const lists = dueLists(shows, now, cadence, s.CHECKINS_MAX_REQUESTS_PER_RUN, ctx.mode);
      const windowShows = shows.filter((sh) => inWindow(sh, now, cadence)).map((sh) => ({ showId: sh.showId, intervalMs: pollIntervalFor(sh, cadence) }));
      const scans = await scanCandidates(ctx.clickhouse, windowShows, now, s.CHECKINS_MAX_REQUESTS_PER_RUN - lists.length, ctx.mode === 'reconcile');
      return [
        ...lists.map((sh): PlannedItem => ({ query: 'item', key: `ls${sh.showId}`, parent: { kind: 'list', show_id: sh.showId, event_id: sh.eventId } })),
        ...scans.map(scanItem),
      ];
    },
    budget: (ctx) => ctx.config.CHECKINS_MAX_REQUESTS_PER_RUN,
    // A show's list is followed, in the same run, by the polls of the never-polled barcodes it returned.
    followUp: {
      after: (parent) => parent.kind === 'list',
      async plan(ctx) {
        const p = listParentSchema.parse(ctx.parent);
        return (await newlyListed(ctx.clickhouse, p.show_id, ctx.runId, ctx.limit)).map(scanItem);
      },
    },
  }),
  schedules: [{ id: 'checkins-poll', mode: 'incremental', env: 'SCHEDULE_CHECKINS', pattern: '*/5 * * * *' }],
  settings: CHECKINS_SETTINGS,
  priority: 10,
  // Lists and scans are observations at their fetch time: replay needs every one.
  raw: { mode: 'history' },
  tables: [
    // A list is a snapshot of the valid barcodes: the ones it drops are marked invalid once the run is complete.
    {
      name: CHECKIN_TABLES.barcodes,
      key: ['show_id', 'barcode_hash'],
      version: '_ver',
      refresh: { deletedColumn: 'is_valid', deletedValue: 0, parents: { table: CHECKIN_TABLES.lists, keys: ['show_id'] } },
    },
    { name: CHECKIN_TABLES.lists, key: ['show_id', 'listed_at'], version: '_ver' },
    { name: CHECKIN_TABLES.checkins, key: ['show_id', 'barcode_hash'], version: '_ver' },
  ],
  sanitize: (raw, { piiSalt }) => sanitizeCheckinRecord(raw, piiSalt),
  transform: transformCheckinRecord,
});

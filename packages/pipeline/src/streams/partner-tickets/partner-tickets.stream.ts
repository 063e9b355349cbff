import { isQTicketsError } from '@qtp/qtickets-client';
import { intFromEnv } from '@qtp/shared';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { durationSetting } from '../../config/settings.ts';
import { defineStream, type SettingsOf } from '../stream.ts';
import { perParentSync } from '../sync/per-parent.sync.ts';
import { sanitizePartnerRecord } from './partner-tickets.allowlist.ts';
import { duePartnerShows, partnerShows } from './partner-tickets.due.ts';
import { PARTNER_TABLES, partnerParentSchema, transformPartnerRecord } from './partner-tickets.transform.ts';

/**
 * The scheduler only learns whether the partner key is set (the value is dropped as it is parsed): the stream is off
 * without one, and the fetcher then needs neither QTICKETS_PARTNERS_BASE_URL nor QTICKETS_PARTNERS_TOKEN.
 */
const presence = z
  .string()
  .optional()
  .transform((v) => v !== undefined && v.trim() !== '');

/** The stream's scheduler settings (its code reads them typed). */
const PARTNER_TICKETS_SETTINGS = {
  QTICKETS_PARTNERS_TOKEN: presence,
  PARTNER_TICKETS_MAX_REQUESTS_PER_RUN: intFromEnv(1, 100_000).default(200),
  PARTNER_TICKETS_MAX_REQUESTS_PER_RECONCILE: intFromEnv(1, 1_000_000).default(5_000),
  PARTNER_TICKETS_INTERVAL: durationSetting.default(3_600_000),
  PARTNER_TICKETS_SETTLE: durationSetting.default(7 * 86_400_000),
};

/**
 * Partner tickets (contract §6, §7.10), from the Partners API v1 with its own base URL and key. There is no list-all
 * method: each planned show is one `tickets/find/{event_id}/{show_id}` without a filter, the shows taken from
 * stg_qtickets_api_shows (events stream). Incremental runs (SCHEDULE_PARTNER_TICKETS) read never-read shows and shows
 * not yet PARTNER_TICKETS_SETTLE past their end whose last read is older than PARTNER_TICKETS_INTERVAL, at most
 * PARTNER_TICKETS_MAX_REQUESTS_PER_RUN; the nightly reconcile (SCHEDULE_PARTNER_TICKETS_RECONCILE, also `requeue`)
 * reads every show, at most PARTNER_TICKETS_MAX_REQUESTS_PER_RECONCILE. Tickets gone from a show's read are marked
 * deleted once the run is complete. Errors arrive with HTTP 200 and `status: "error"` (the client branches on it):
 * WRONG_AUTHORIZATION fails the run at once; EVENT_NOT_FOUND means the show has no partner tickets any more.
 * Its own lock and a low priority (20): a failing partners API never holds up the REST streams.
 */
export const partnerTicketsStream = defineStream({
  name: 'partner_tickets',
  source: {
    kind: 'per-parent',
    endpoint: 'partners tickets/find/{event_id}/{show_id}',
    async fetch({ partners, parent, log }) {
      if (!partners) throw new UnrecoverableError('partner tickets need QTICKETS_PARTNERS_TOKEN (and QTICKETS_PARTNERS_BASE_URL) in the fetcher');
      const p = partnerParentSchema.parse(parent);
      try {
        const tickets = await partners.showTickets(p.event_id, p.show_id);
        return [{ refresh: { tickets: tickets.length, outcome: 'ok' } }, ...tickets.map((ticket) => ({ ticket }))];
      } catch (err) {
        if (isQTicketsError(err) && err.kind === 'not_found') {
          log.info({ eventId: p.event_id, showId: p.show_id, code: err.code }, 'partners API does not know the event: no partner tickets');
          return [{ refresh: { tickets: 0, outcome: 'event_not_found' } }];
        }
        throw err;
      }
    },
  },
  sync: perParentSync<SettingsOf<typeof PARTNER_TICKETS_SETTINGS>>({
    async due(ctx) {
      const s = ctx.config;
      const budget = ctx.mode === 'reconcile' ? s.PARTNER_TICKETS_MAX_REQUESTS_PER_RECONCILE : s.PARTNER_TICKETS_MAX_REQUESTS_PER_RUN;
      const cadence = { intervalMs: s.PARTNER_TICKETS_INTERVAL, settleMs: s.PARTNER_TICKETS_SETTLE };
      const shows = duePartnerShows(await partnerShows(ctx.clickhouse), ctx.now.getTime(), cadence, budget, ctx.mode);
      return shows.map((sh) => ({ query: 'item', key: `ev${sh.eventId}-sh${sh.showId}`, parent: { event_id: sh.eventId, show_id: sh.showId } }));
    },
  }),
  schedules: [
    { id: 'partner-tickets-refresh', mode: 'incremental', env: 'SCHEDULE_PARTNER_TICKETS', pattern: '*/15 * * * *' },
    { id: 'partner-tickets-reconcile', mode: 'reconcile', env: 'SCHEDULE_PARTNER_TICKETS_RECONCILE', pattern: '45 4 * * *' },
  ],
  settings: PARTNER_TICKETS_SETTINGS,
  disabledReason: (config) => (config.QTICKETS_PARTNERS_TOKEN ? null : 'QTICKETS_PARTNERS_TOKEN is not set'),
  priority: 20,
  raw: { mode: 'history' },
  tables: [
    // Tickets gone from a show's read are marked deleted once the run is complete (only for the shows it read).
    {
      name: PARTNER_TABLES.tickets,
      key: ['ticket_id'],
      version: '_ver',
      refresh: { deletedColumn: 'is_deleted', deletedValue: 1, parents: { table: PARTNER_TABLES.refreshes, keys: ['event_id', 'show_id'] } },
    },
    { name: PARTNER_TABLES.refreshes, key: ['event_id', 'show_id', 'refreshed_at'], version: '_ver' },
  ],
  sanitize: (raw, { piiSalt }) => sanitizePartnerRecord(raw, piiSalt),
  transform: transformPartnerRecord,
});

import { intFromEnv } from '@qtp/shared';
import { readOrGone } from '../../common/not-found.ts';
import { durationSetting } from '../../config/settings.ts';
import { defineStream, type SettingsOf } from '../stream.ts';
import { perParentSync } from '../sync/per-parent.sync.ts';
import { dueShows, showTimes } from './inventory.due.ts';
import { INVENTORY_TABLE, transformInventory } from './inventory.transform.ts';
import { seatsSnapshot } from './inventory.zones.ts';

/** The stream's scheduler settings (its code reads them typed). */
const INVENTORY_SETTINGS = {
  INVENTORY_MAX_SHOWS_PER_RUN: intFromEnv(1, 100_000).default(300),
  INVENTORY_NEAR_INTERVAL: durationSetting.default(5 * 60_000),
};

/**
 * Seat inventory per show and zone (contract §5.5): one `GET /shows/{id}/seats` (flat) per due show, snapshots kept
 * per 5-minute bucket. Cost: one request per due show; at most INVENTORY_MAX_SHOWS_PER_RUN per run.
 */
export const inventoryStream = defineStream({
  name: 'inventory',
  source: {
    kind: 'per-parent',
    endpoint: 'GET /shows/{id}/seats',
    fetch: ({ api, parent, log }) =>
      // A show deleted upstream since the events stream saw it: no snapshot, not a failed run.
      readOrGone<unknown>(
        () => api.showSeats(Number(parent.show_id), { flat: true }),
        () => {
          log.info({ showId: parent.show_id }, 'show has no seats (not found): skipped');
          return [];
        },
      ),
  },
  sync: perParentSync<SettingsOf<typeof INVENTORY_SETTINGS>>({
    async due(ctx) {
      const s = ctx.config;
      const now = ctx.now.getTime();
      const cadence = { nearMs: s.INVENTORY_NEAR_INTERVAL, weekMs: 3_600_000, farMs: 86_400_000 };
      const shows = dueShows(await showTimes(ctx.clickhouse), now, cadence, s.INVENTORY_MAX_SHOWS_PER_RUN);
      return shows.map((sh) => ({ query: 'item', key: `show${sh.showId}`, parent: { show_id: sh.showId, event_id: sh.eventId } }));
    },
  }),
  schedules: [{ id: 'inventory-snapshots', mode: 'incremental', env: 'SCHEDULE_INVENTORY', pattern: '*/5 * * * *' }],
  settings: INVENTORY_SETTINGS,
  priority: 10,
  // Every snapshot: replay re-derives each bucket.
  raw: { mode: 'history' },
  tables: [{ name: INVENTORY_TABLE, key: ['show_id', 'zone_id', 'snapshot_bucket'], version: '_ver' }],
  sanitize: (raw) => seatsSnapshot(raw),
  transform: transformInventory,
});

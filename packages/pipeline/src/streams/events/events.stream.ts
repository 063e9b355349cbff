import { defineStream } from '../stream.ts';
import { fullRefreshSync } from '../sync/full-refresh.sync.ts';
import { sanitizeEvent } from './events.allowlist.ts';
import { SHOWS_TABLE, transformEvent } from './events.transform.ts';

/** Events and their shows (show days for the sales views): a full walk, a few hundred rows. */
export const eventsStream = defineStream({
  name: 'events',
  source: { kind: 'list', resource: 'events' },
  sync: fullRefreshSync(),
  schedules: [{ id: 'events-refresh', mode: 'reconcile', env: 'SCHEDULE_EVENTS', pattern: '*/30 * * * *' }],
  tables: [{ name: SHOWS_TABLE, key: ['show_id'], version: '_ver' }],
  sanitize: (raw) => sanitizeEvent(raw),
  transform: (record) => transformEvent(record),
});

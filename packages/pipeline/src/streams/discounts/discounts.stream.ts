import { allowList, isObject, pick } from '../../common/pick.ts';
import { defineStream } from '../stream.ts';
import { fullRefreshSync } from '../sync/full-refresh.sync.ts';
import { DISCOUNT_FIELDS, DISCOUNTS_TABLE, transformDiscount } from './discounts.transform.ts';

const refs = (v: unknown) => (Array.isArray(v) ? v.map((x) => (isObject(x) ? pick(x, ['id']) : x)) : v);

/** Discounts (contract §5.8): a full refresh; soft-deleted ones kept and flagged, vanished ones marked deleted. */
export const discountsStream = defineStream({
  name: 'discounts',
  source: { kind: 'list', resource: 'discounts' },
  sync: fullRefreshSync(),
  schedules: [{ id: 'discounts-refresh', mode: 'reconcile', env: 'SCHEDULE_DISCOUNTS', pattern: '10 * * * *' }],
  priority: 5,
  tables: [{ name: DISCOUNTS_TABLE, key: ['discount_id'], version: '_ver', refresh: { deletedColumn: 'is_deleted', deletedValue: 1 } }],
  sanitize: (raw) => {
    const out = allowList(raw, DISCOUNT_FIELDS);
    if ('events' in out) out.events = refs(out.events);
    if ('shows' in out) out.shows = refs(out.shows);
    return out;
  },
  transform: transformDiscount,
});

import { allowList } from '../../common/pick.ts';
import { defineStream } from '../stream.ts';
import { fullRefreshSync } from '../sync/full-refresh.sync.ts';
import { PROMO_CODE_FIELDS, PROMO_CODES_TABLE, transformPromoCode } from './promo-codes.transform.ts';

/** Promo codes (contract §5.9): a full refresh of a list grouped by discount (not id-ordered). */
export const promoCodesStream = defineStream({
  name: 'promo_codes',
  source: { kind: 'list', resource: 'promo-codes' },
  sync: fullRefreshSync(),
  schedules: [{ id: 'promo-codes-refresh', mode: 'reconcile', env: 'SCHEDULE_PROMO_CODES', pattern: '15 * * * *' }],
  priority: 5,
  tables: [{ name: PROMO_CODES_TABLE, key: ['promo_code_id'], version: '_ver', refresh: { deletedColumn: 'is_deleted', deletedValue: 1 } }],
  sanitize: (raw) => allowList(raw, PROMO_CODE_FIELDS),
  transform: transformPromoCode,
});

import { z } from 'zod';
import { allowList } from '../../common/pick.ts';
import { quarantined } from '../../common/quarantine.ts';
import { idSchema } from '../../common/values.schema.ts';
import { defineStream, type RecordResult, type TransformContext } from '../stream.ts';
import { fullRefreshSync } from '../sync/full-refresh.sync.ts';
import { refreshColumns } from '../sync/refresh-row.ts';

export const COLOR_THEMES_TABLE = 'dim_qtickets_color_themes';

const colorThemeSchema = z.looseObject({ id: idSchema, color: z.string() });

/** A price shade (contract §5.7): `{id, color}`, ids not contiguous; prices refer to it by (string) id. */
export function transformColorTheme(raw: unknown, ctx: TransformContext): RecordResult {
  const parsed = colorThemeSchema.safeParse(raw);
  if (!parsed.success) return quarantined(raw, parsed.error);
  const row = { color_theme_id: parsed.data.id, color: parsed.data.color, ...refreshColumns(ctx, null) };
  return { kind: 'rows', id: parsed.data.id, rows: { [COLOR_THEMES_TABLE]: [row] } };
}

/** Price shades: one unpaged request per refresh. */
export const colorThemesStream = defineStream({
  name: 'color_themes',
  source: { kind: 'unpaged', resource: 'color-themes' },
  sync: fullRefreshSync(),
  schedules: [{ id: 'color-themes-refresh', mode: 'reconcile', env: 'SCHEDULE_COLOR_THEMES', pattern: '20 */6 * * *' }],
  priority: 5,
  tables: [{ name: COLOR_THEMES_TABLE, key: ['color_theme_id'], version: '_ver', refresh: { deletedColumn: 'is_deleted', deletedValue: 1 } }],
  sanitize: (raw) => allowList(raw, ['id', 'color']),
  transform: transformColorTheme,
});

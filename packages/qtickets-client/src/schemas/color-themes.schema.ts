/** `GET /color-themes` (§5.7, DOC): price shades; ids are not contiguous. */
import { z } from 'zod';
import { intLike } from './primitives.schema.ts';

export const colorThemeSchema = z.looseObject({ id: intLike, color: z.string() });

export type ColorTheme = z.infer<typeof colorThemeSchema>;

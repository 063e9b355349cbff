import { z } from 'zod';
import { parseInstant } from './moscow-time.ts';

/** Money as an exact decimal string with 2 decimals, from an integer JSON number or a decimal string. */
export const moneySchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const s = typeof v === 'number' ? String(v) : v.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `not a money amount: ${JSON.stringify(v).slice(0, 40)}` });
    return z.NEVER;
  }
  return `${m[1]}${m[2]}.${(m[3] ?? '').padEnd(2, '0')}`;
});

export const timestampSchema = z.string().refine((s) => parseInstant(s) !== null, { message: 'not an ISO timestamp with offset' });

export const idSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().nonnegative());
export const optionalIdSchema = idSchema.nullish();

/** Booleans as the API mixes them: true/false, 0/1, "0"/"1". */
export const flagSchema = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
  .transform((v) => v === true || v === 1 || v === '1');

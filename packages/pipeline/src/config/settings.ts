import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `48h`, `30m`, `90s`, `3d` or plain milliseconds. */
export const durationSetting = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration such as 30s, 15m, 48h or 3d')
  .transform((v) => {
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v) as RegExpExecArray;
    return Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
  });

/** A 5-field cron pattern (minute hour day month weekday), checked by the parser BullMQ's job schedulers use. */
export const cronSetting = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a 5-field cron pattern such as */5 * * * *')
  .superRefine((v, ctx) => {
    try {
      CronExpressionParser.parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a valid cron pattern (${(err as Error).message})` });
    }
  });

/** Envelopes of §4 and the REST error body of §8.1. */
import { z } from 'zod';
import { intLike } from './primitives.schema.ts';

export const pagingSchema = z.looseObject({ perPage: intLike, currentPage: intLike, total: intLike });

/** `{data: [...], paging: {...}}` with rows validated by `row`. */
export function listEnvelopeSchema<T extends z.ZodType>(row: T) {
  return z.looseObject({ data: z.array(row), paging: pagingSchema });
}

/** `{data: {...}}` of single-object endpoints. */
export function singleEnvelopeSchema<T extends z.ZodType>(record: T) {
  return z.looseObject({ data: record });
}

/** `{error, status, code, info}`; message text is unstable (Q20) — branch on status and code only. */
export const restErrorSchema = z.looseObject({
  error: z.string(),
  status: intLike,
  code: z.string(),
  info: z.unknown().optional(),
});

export type Paging = z.infer<typeof pagingSchema>;
export type RestErrorBody = z.infer<typeof restErrorSchema>;

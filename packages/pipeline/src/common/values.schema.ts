import { intLike, timestamp } from '@qtp/qtickets-client';
import { z } from 'zod';
import { instantMs } from './moscow-time.ts';

// Value schemas shared with the client (exact money, offset-keeping timestamps, mixed booleans, numeric strings),
// tightened where the pipeline needs more: ids are non-negative, timestamps must be real instants.
export const idSchema = intLike.pipe(z.number().int().nonnegative());
export const instantSchema = timestamp.refine((s) => instantMs(s) !== null, { message: 'not a valid instant' });

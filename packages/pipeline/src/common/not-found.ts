import { isQTicketsError } from '@qtp/qtickets-client';

/**
 * One record read by id or parent: the API's "not found" (the record is gone upstream since we saw it) is not a
 * failure of the run: `gone` says what that means for the stream (usually nothing to load).
 */
export async function readOrGone<T>(read: () => Promise<T>, gone: () => T[]): Promise<T[]> {
  try {
    return [await read()];
  } catch (err) {
    if (isQTicketsError(err) && err.kind === 'not_found') return gone();
    throw err;
  }
}

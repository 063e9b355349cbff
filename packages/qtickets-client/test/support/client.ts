import { createQTicketsClient, type QTicketsClient, type QTicketsClientOptions } from '../../src/index.ts';
import type { TestServer } from './http-server.ts';

/** A synthetic token long enough to be fingerprinted; distinctive so any leak is easy to spot. */
export const TEST_TOKEN = 'qtk_TEST_9f8e7d6c5b4a39281706f5e4d3c2b1a0_SECRET';

/** A virtual clock: `sleep` records the delay and advances `now` instead of waiting. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

export function testClient(server: TestServer, options: Partial<QTicketsClientOptions> = {}): QTicketsClient {
  return createQTicketsClient({ baseUrl: server.url, token: TEST_TOKEN, sleep: async () => {}, ...options });
}

import { fetchJob, RunTracker } from '@qtp/pipeline';
import { createQueue } from '@qtp/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendance, expectScansPerBarcode, LIST, SCAN, spent, truth, windowShows } from './checkins-truth.ts';
import { type Harness, startAll, startHarness } from './pipeline-harness.ts';
import { startRequeue } from './requeue-cli.ts';

/** A cold start, then `requeue checkins --wait`: one run lists the shows in their window and polls what they returned. */
const BUDGET = 5_000;
const waitFor = async (what: string, cond: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('requeue checkins after a cold start, and while a run holds the stream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ seed: 31, historyDays: 20, ordersPerDay: 60 });
    h.env.CHECKINS_MAX_REQUESTS_PER_RUN = String(BUDGET);
    h.env.FETCH_ATTEMPTS = '6'; // the follow-ups the writer adds keep the fetcher's retry policy
    await startAll(h);
    await h.run('reconcile', 120_000, 'events');
  }, 240_000);
  afterAll(async () => h?.close());

  it('one `requeue checkins --wait` leaves scan status exact for every show in its window', async () => {
    const inWindow = await windowShows(h);
    expect(inWindow.length).toBeGreaterThan(3);
    const expected = truth(h, inWindow);
    const valid = expected.reduce((n, t) => n + t.valid, 0);
    expect(valid + inWindow.length).toBeLessThan(BUDGET);
    expect(expected.reduce((n, t) => n + t.checked, 0)).toBeGreaterThan(0);
    const before = h.sim.requests();
    const res = await startRequeue(h, ['checkins', '--wait', '--timeout', '2m']).done;
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^enqueued checkins\|plan\|reconcile\|cli-\d+\nrun checkins-rec-\w+ done: /);
    expect(spent(h, before, LIST)).toBe(inWindow.length);
    expect(spent(h, before, SCAN)).toBe(valid); // each barcode the lists returned, polled once, in the same run
    expect((await attendance(h)).filter((a) => inWindow.includes(a.show_id))).toEqual(expected);
    await expectScansPerBarcode(h, inWindow);
    const fetchQueue = createQueue(fetchJob, h.r.redis, h.r.prefix);
    try {
      const polls = (await fetchQueue.getJobs(['completed'], 0, 200)).filter((j) => j.id?.includes('|i|sc'));
      expect(polls.length).toBeGreaterThan(0);
      for (const j of polls) expect(j.opts.attempts, j.id).toBe(6);
    } finally {
      await fetchQueue.close();
    }
  });

  it('while a run holds the stream, `requeue --wait` waits for it, then reports its own run; --no-wait-lock refuses', async () => {
    const tracker = new RunTracker(h.r.redis, h.r.prefix);
    const holder = 'checkins-inc-20261120T000000000Z';
    expect(await tracker.lock('checkins', holder, 60_000)).toBe(true);
    try {
      const refused = await startRequeue(h, ['checkins', '--wait', '--no-wait-lock', '--timeout', '30s']).done;
      expect(refused.code).toBe(1);
      expect(refused.err).toBe(`requeue: not started: run ${holder} of checkins still in progress\n`);

      const waiting = startRequeue(h, ['checkins', '--wait', '--timeout', '1m']);
      await waitFor('the requeue to report the run in progress', () => waiting.output().includes('in progress'));
      expect(waiting.output()).toContain(`run ${holder} of checkins is in progress: this one starts once it ends\n`);
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await tracker.lockHolder('checkins')).toBe(holder); // still waiting: nothing overlapped the running run
      await tracker.unlock('checkins', holder);
      const res = await waiting.done;
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      const runId = /run (checkins-rec-\w+) done: /.exec(res.out)?.[1];
      expect(runId, res.out).toBeDefined();
      expect((await tracker.info(runId as string))?.finalized).toBe(true);
    } finally {
      await tracker.unlock('checkins', holder);
    }
  });
});

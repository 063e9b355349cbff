import { testRedis } from '@qtp/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStages } from '../src/state/run-stages.ts';
import { RunTracker } from '../src/state/run-tracker.ts';

/** A unit's follow-ups against a real Redis: the run cannot complete while they are pending, whoever dies where. */
const r = testRedis('followups');
const tracker = new RunTracker(r.redis, r.prefix);
const stages = new RunStages(r.redis, r.prefix);
const stats = { fetched: 1, valid: 1, quarantined: 0, written: 1, maxId: 0, maxUpdatedAtMs: 0, filterIgnored: false };
afterAll(async () => r.close());

describe('follow-ups of a unit', () => {
  it('are due once every chunk of the unit is written, again on a redelivery, and hold the run open until resolved', async () => {
    const run = 'checkins-inc-1';
    await tracker.start(run, 'checkins', 'incremental', new Date().toISOString());
    await tracker.plan(run, ['i|ls1', 'i|ls2'], { total: 2, perPage: 1 });
    // the fetcher split list 1 into two chunks; list 2 has no follow-ups
    await tracker.addUnits(run, ['i|ls1|c1'], { unit: 'i|ls1', chunks: 2, parent: { kind: 'list', show_id: 1 } });
    expect(await tracker.markDone(run, 'i|ls2', stats)).toEqual({ complete: false, followUp: null });
    expect(await tracker.markDone(run, 'i|ls1', stats)).toEqual({ complete: false, followUp: null }); // one chunk still to write
    expect(await tracker.markDone(run, 'i|ls1|c1', stats)).toEqual({ complete: false, followUp: 'i|ls1' });
    // the writer died before adding them (kill -9): the redelivered write says so again, and the run stays open
    expect(await tracker.markDone(run, 'i|ls1|c1', stats)).toEqual({ complete: false, followUp: 'i|ls1' });
    expect(await tracker.isComplete(run)).toBe(false);
    expect(await tracker.followUpParent(run, 'i|ls1')).toEqual({ kind: 'list', show_id: 1 });
    // added: registered first, then resolved; the run completes only once they are written
    await tracker.register(run, ['i|sc1-a']);
    await tracker.resolveFollowUp(run, 'i|ls1');
    expect(await tracker.isComplete(run)).toBe(false);
    expect(await tracker.markDone(run, 'i|sc1-a', stats)).toEqual({ complete: true, followUp: null });
    expect((await tracker.info(run))?.fetched).toBe(4); // the redelivered chunk was counted once
  });

  it('a follow-up stage is sealed once, within what the budget left; a sealed stage is never re-planned', async () => {
    const run = 'checkins-inc-2';
    await tracker.start(run, 'checkins', 'incremental', new Date().toISOString());
    await stages.setBudget(run, 3);
    expect(await stages.sealed(run, 'fu-i|ls1')).toBeNull();
    expect(
      await stages.write(
        run,
        'fu-i|ls1',
        [1, 2, 3, 4, 5].map((n) => ({ n })),
      ),
    ).toBe(5);
    expect(await stages.seal(run, 'fu-i|ls1', true)).toBe(3);
    expect(await stages.seal(run, 'fu-i|ls1', true)).toBe(3); // a retry gets the same stage, charged once
    expect(await stages.budget(run)).toBe(0);
    const read: unknown[] = [];
    for await (const slice of stages.read(run, 'fu-i|ls1', 2)) read.push(...slice);
    expect(read).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await stages.write(run, 'fu-i|ls2', [{ n: 6 }]);
    expect(await stages.seal(run, 'fu-i|ls2', true)).toBe(0); // nothing left of the budget
    expect(await stages.sealed(run, 'fu-i|ls2')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { rewalkPages, tailWalk } from './orders.sync.ts';
import { lastPageOf, type PlanInput, pageOfPosition, planPages, rewalkSlice } from './page-plan.ts';

const base: PlanInput = {
  mode: 'incremental',
  perPage: 50,
  total: 1_000,
  highWaterId: 0,
  highWaterPosition: 0,
  newFiltered: null,
  changedSince: null,
  changedFiltered: null,
  changedFallbackPosition: 0,
};
const summary = (p: PlanInput) => planPages(p).map((x) => `${x.query}${x.page}${x.meta?.stopBelowId ? `>${x.meta.stopBelowId}` : ''}`);

describe('page planning', () => {
  it.each([
    [0, 50, 1],
    [1, 50, 1],
    [50, 50, 1],
    [51, 50, 2],
    [126_213, 50, 2_525],
  ])('lastPageOf(%i, %i) = %i', (total, perPage, last) => expect(lastPageOf(total, perPage)).toBe(last));

  it.each([
    [1, 1],
    [50, 1],
    [51, 1],
    [101, 2],
    [1_000, 19],
  ])('position %i is read from page %i (one page of margin)', (pos, page) => expect(pageOfPosition(pos, 50)).toBe(page));

  it('walks everything on the first load and on reconciliation', () => {
    expect(summary(base)).toEqual(Array.from({ length: 20 }, (_, i) => `list${i + 1}`));
    expect(summary({ ...base, mode: 'reconcile', highWaterId: 900, highWaterPosition: 900 })).toHaveLength(20);
  });

  it('uses honoured filters for new and changed orders', () => {
    const p = planPages({
      ...base,
      highWaterId: 900,
      highWaterPosition: 990,
      newFiltered: { where: [{ column: 'id', operator: '>', value: 900 }], total: 120 },
      changedSince: '2026-11-18T00:00:00.000Z',
      changedFiltered: { where: [{ column: 'updated_at', operator: '>=', value: 'x' }], total: 40 },
    });
    expect(p.map((x) => `${x.query}${x.page}`)).toEqual(['new1', 'new2', 'new3', 'changed1']);
    expect(p[0]?.orderBy).toEqual({ id: 'asc' });
  });

  it('falls back to one unfiltered tail covering both needs when filters are ignored', () => {
    expect(
      summary({ ...base, total: 1_120, highWaterId: 900, highWaterPosition: 1_000, changedSince: '2026-11-18T00:00:00.000Z', changedFallbackPosition: 820 }),
    ).toEqual(['list16>900', 'list17', 'list18', 'list19', 'list20', 'list21', 'list22', 'list23']);
  });

  it('always plans at least one page', () => {
    expect(summary({ ...base, total: 0 })).toEqual(['list1']);
    expect(planPages({ ...base, highWaterId: 5, highWaterPosition: 5, newFiltered: { where: [], total: 0 } }).length).toBeGreaterThan(0);
  });

  const ignored = { ...base, total: 1_120, highWaterId: 900, highWaterPosition: 1_000, changedSince: '2026-11-18T00:00:00.000Z', changedFallbackPosition: 820 };

  it('adds a rolling re-walk slice of older pages when the changed-orders filter is ignored', () => {
    expect(summary({ ...ignored, rewalk: { from: 3, pages: 4 } })).toEqual(['list3', 'list4', 'list5', 'list6', ...summary(ignored)]);
    // the tail keeps its high-water check on its own first page, not on the re-walk's
    expect(summary({ ...ignored, rewalk: { from: 3, pages: 4 } })).toContain('list16>900');
  });

  it('never re-walks when the changed-orders filter is honoured (it already finds every change)', () => {
    const honoured = { ...ignored, changedFiltered: { where: [], total: 10 } };
    expect(summary({ ...honoured, rewalk: { from: 3, pages: 4 } })).toEqual(summary(honoured));
  });

  it.each([
    [1, 4, 10, [1, 2, 3, 4], 5],
    [9, 4, 10, [9, 10, 1, 2], 3],
    [11, 2, 10, [1, 2], 3],
    [5, 30, 10, [5, 6, 7, 8, 9, 10, 1, 2, 3, 4], 5],
    [4, 0, 10, [], 4],
  ])('re-walk slice from %i, %i pages of %i: %j, next %i', (from, pages, last, expected, next) => {
    expect(rewalkSlice(from, pages, last)).toEqual({ pages: expected, next });
  });

  it.each([
    [2_520, 5 / 360, 200, 35],
    [2_520, 1, 200, 200],
    [2_520, 0, 200, 0],
    [40, 0.001, 200, 1],
    [40, 1, 0, 0],
  ])('%i pages, share %d of the period, budget %i: %i pages this run', (last, share, max, pages) => {
    expect(rewalkPages(last, share, max)).toBe(pages);
  });
});

describe('tailWalk (the orders strategy after a tail page)', () => {
  const unit = { query: 'list', page: 7, meta: { stopBelowId: 1_000 } };
  it.each([
    ['every id above the high-water id: the page before is read too', [{ id: 1_001 }, { id: 1_050 }], [{ ...unit, page: 6 }]],
    ['an id at or below it: the walk reached known orders', [{ id: 1_000 }, { id: 1_050 }], []],
    ['an empty page: nothing to decide on', [], []],
  ])('%s', (_name, data, expected) => {
    expect(tailWalk({ unit, data })).toEqual(expected);
  });
  it('only pages planned with a stop id, and never before page 1', () => {
    expect(tailWalk({ unit: { query: 'list', page: 7 }, data: [{ id: 5_000 }] })).toEqual([]);
    expect(tailWalk({ unit: { ...unit, page: 1 }, data: [{ id: 5_000 }] })).toEqual([]);
  });
});

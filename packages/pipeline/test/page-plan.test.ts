import { describe, expect, it } from 'vitest';
import { lastPageOf, type PlanInput, pageOfPosition, planPages } from '../src/streams/orders/page-plan.ts';

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
const summary = (p: PlanInput) => planPages(p).map((x) => `${x.query}${x.page}${x.stopBelowId ? `>${x.stopBelowId}` : ''}`);

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
});

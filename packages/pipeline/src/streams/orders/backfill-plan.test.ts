import { describe, expect, it } from 'vitest';
import type { QTicketsApi } from '../../common/api.port.ts';
import { parseWindow } from '../../requeue/requeue-window.ts';
import { searchWindowPages } from './backfill-plan.ts';

describe('backfill windows from the CLI', () => {
  it.each([
    ['2026-10-01', '2026-10-07', '2026-09-30T21:00:00.000Z', '2026-10-07T21:00:00.000Z'],
    ['2026-10-01', '2026-10-01', '2026-09-30T21:00:00.000Z', '2026-10-01T21:00:00.000Z'],
    ['2013-06-01', '2013-06-01', '2013-05-31T20:00:00.000Z', '2013-06-01T20:00:00.000Z'], // Moscow at UTC+4
    ['2026-10-01T12:00:00+03:00', '2026-10-01T13:00:00Z', '2026-10-01T09:00:00.000Z', '2026-10-01T13:00:00.000Z'],
  ])('%s .. %s → [%s, %s)', (from, to, f, t) => expect(parseWindow(from, to)).toEqual({ from: f, to: t }));

  it.each([
    ['2026-10-07', '2026-10-01', /must be before/],
    ['2026-02-30', '2026-03-01', /not a calendar date/],
    ['yesterday', '2026-03-01', /neither a date/],
    ['2026-10-01T12:00:00', '2026-10-02', /neither a date/],
  ])('rejects %s .. %s', (from, to, err) => expect(() => parseWindow(from, to)).toThrow(err));
});

/** An id-ascending order list of `n` orders, one created every `stepMin` minutes, 50 per page (a port, not a mock of a server). */
function list(n: number, stepMin: number, start = Date.parse('2026-10-01T00:00:00Z')): Pick<QTicketsApi, 'listPage'> & { calls: number } {
  const api = {
    calls: 0,
    async listPage(_r: 'orders' | 'events', { page }: { page: number }) {
      api.calls++;
      const data = [];
      for (let i = (page - 1) * 50; i < Math.min(n, page * 50); i++)
        data.push({ id: 1000 + i, created_at: new Date(start + i * stepMin * 60_000).toISOString().replace('.000Z', 'Z') });
      return { data, paging: { perPage: 50, currentPage: page, total: n }, lastPage: Math.max(1, Math.ceil(n / 50)) };
    },
  };
  return api;
}

describe('binary search of the window when filters are ignored', () => {
  it.each([
    // orders every 10 minutes: 144 a day; window = day 3 → orders 288..431 → pages 6..9
    [5_000, 10, '2026-10-03T00:00:00Z', '2026-10-04T00:00:00Z', 6, 9],
    [5_000, 10, '2026-09-01T00:00:00Z', '2026-10-01T00:00:01Z', 1, 1],
    [5_000, 10, '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z', 100, 100],
    [120, 10, '2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z', 1, 3],
  ])('%i orders every %i min, [%s, %s) → pages %i..%i', async (n, step, from, to, first, last) => {
    const api = list(n, step);
    const pages = await searchWindowPages(api, { fromMs: Date.parse(from), toMs: Date.parse(to) }, { total: n, perPage: 50 });
    expect(pages.map((p) => p.page)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    expect(api.calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n / 50 + 1)) + 2);
  });

  it('covers every order created in the window', async () => {
    const api = list(3_000, 7);
    const from = Date.parse('2026-10-05T10:00:00Z');
    const to = Date.parse('2026-10-06T03:00:00Z');
    const pages = await searchWindowPages(api, { fromMs: from, toMs: to }, { total: 3_000, perPage: 50 });
    const seen = new Set<number>();
    for (const p of pages) for (const r of (await api.listPage('orders', { page: p.page })).data) seen.add((r as { id: number }).id);
    for (let i = 0; i < 3_000; i++) {
      const created = Date.parse('2026-10-01T00:00:00Z') + i * 7 * 60_000;
      if (created >= from && created < to) expect(seen.has(1000 + i)).toBe(true);
    }
  });
});

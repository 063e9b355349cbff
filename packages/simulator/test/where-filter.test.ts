import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { api, type CallOptions, type Paged, walk } from './http-helpers.ts';

type Row = Record<string, unknown>;

describe('where / orderBy / page (contract §3.2–§3.5)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, orders: 2_500, historyDays: 15 });
  });
  afterAll(() => sim.close());

  const all = async (): Promise<Row[]> => (await walk(sim, '/orders')).rows;
  // both encodings: A = JSON body on GET, B = JSON strings in the query string
  const encodings: Array<[string, (params: Record<string, unknown>) => CallOptions]> = [
    ['GET body', (p) => ({ body: p })],
    ['query string', (p) => ({ query: p })],
  ];

  for (const [name, enc] of encodings) {
    describe(name, () => {
      const walkWith = async (params: Record<string, unknown>) => {
        const rows: Row[] = [];
        let total = -1;
        for (let page = 1; ; page++) {
          const res = await api(sim, '/orders', enc({ ...params, page }));
          expect(res.status).toBe(200);
          const body = res.json as Paged;
          total = body.paging.total;
          if (body.data.length === 0) break;
          rows.push(...body.data);
        }
        expect(rows.length).toBe(total);
        return rows;
      };

      it('payed = 1 returns exactly the paid orders', async () => {
        const expected = (await all()).filter((o) => o.payed === true).map((o) => o.id);
        const got = await walkWith({ where: [{ column: 'payed', value: 1 }] });
        expect(got.map((o) => o.id)).toEqual(expected);
      });

      it('a payed_at window (+03:00 and Z offsets) and an updated_at lower bound', async () => {
        const rows = await all();
        const from = '2026-11-12T00:00:00+03:00';
        const toZ = '2026-11-14T21:00:00Z'; // = 2026-11-15T00:00:00+03:00
        const inWindow = (ts: unknown) => typeof ts === 'string' && Date.parse(ts) >= Date.parse(from) && Date.parse(ts) < Date.parse(toZ);
        const got = await walkWith({
          where: [
            { column: 'payed_at', operator: '>=', value: from },
            { column: 'payed_at', operator: '<', value: toZ },
          ],
        });
        expect(got.length).toBeGreaterThan(100);
        expect(got.map((o) => o.id)).toEqual(rows.filter((o) => inWindow(o.payed_at)).map((o) => o.id));
        const since = '2026-11-18T09:30:00+03:00';
        const upd = await walkWith({ where: [{ column: 'updated_at', operator: '>', value: since }] });
        expect(upd.map((o) => o.id)).toEqual(rows.filter((o) => Date.parse(o.updated_at as string) > Date.parse(since)).map((o) => o.id));
      });

      it('id > X with orderBy id desc; in; deleted_at null', async () => {
        const rows = await all();
        const x = rows[rows.length - 120]?.id as number;
        const desc = await walkWith({ where: [{ column: 'id', operator: '>', value: x }], orderBy: { id: 'desc' } });
        expect(desc.map((o) => o.id)).toEqual(
          rows
            .map((o) => o.id as number)
            .filter((id) => id > x)
            .reverse(),
        );
        const pick = [rows[3]?.id, rows[77]?.id, 1];
        expect((await walkWith({ where: [{ column: 'id', operator: 'in', value: pick }] })).map((o) => o.id)).toEqual(pick.slice(0, 2));
        const live = await walkWith({ where: [{ column: 'deleted_at', operator: 'null' }] });
        expect(live.map((o) => o.id)).toEqual(rows.filter((o) => o.deleted_at === null).map((o) => o.id));
      });
    });
  }

  it('a filter matching nothing: data [] and total 0 (orders.empty.json)', async () => {
    const res = await api(sim, '/orders', { body: { where: [{ column: 'id', operator: '<', value: 0 }] } });
    expect(res.json).toEqual({ data: [], paging: { perPage: 50, currentPage: 1, total: 0 } });
  });

  it('an unknown column or operator is a 503 UNKNOWN_ERROR', async () => {
    for (const where of [[{ column: 'nope', value: 1 }], [{ column: 'id', operator: 'between', value: [1, 2] }], { payed: 1 }]) {
      const res = await api(sim, '/orders', { body: { where } });
      expect(res.status).toBe(503);
      expect((res.json as Row).code).toBe('UNKNOWN_ERROR');
    }
  });

  it('events / discounts / promo-codes honour deleted_at null', async () => {
    for (const path of ['/events', '/discounts', '/promo-codes']) {
      const everything = (await walk(sim, path)).rows;
      expect(
        everything.some((r) => r.deleted_at !== null),
        path,
      ).toBe(true);
      const live = (await walk(sim, path, { body: { where: [{ column: 'deleted_at', operator: 'null' }] } })).rows;
      expect(live.map((r) => r.id)).toEqual(everything.filter((r) => r.deleted_at === null).map((r) => r.id));
    }
  });

  it('ignoreWhere: where and orderBy are ignored — unfiltered id-ascending pages (the other reading)', async () => {
    const plain = (await api(sim, '/orders', { query: { page: 2 } })).text;
    sim.setFaults({ ignoreWhere: true });
    try {
      const filtered = await api(sim, '/orders', { body: { where: [{ column: 'payed', value: 0 }], orderBy: { id: 'desc' }, page: 2 } });
      expect(filtered.text).toBe(plain);
      const viaQuery = await api(sim, '/orders', { query: { where: [{ column: 'nope', value: 1 }], page: 2 } });
      expect(viaQuery.text).toBe(plain);
    } finally {
      sim.setFaults({ ignoreWhere: false });
    }
    const honoured = (await api(sim, '/orders', { body: { where: [{ column: 'payed', value: 0 }] } })).json as Paged;
    expect(honoured.data.every((o) => o.payed === false)).toBe(true);
  });
});

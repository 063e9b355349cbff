import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLastPage, hasNextPage, InvalidResponseError, type WalkPage } from '../src/index.ts';
import { testClient } from './support/client.ts';
import { route, startTestServer, type TestServer } from './support/http-server.ts';
import { idsFrom, type ListState, listHandler, pageReply } from './support/list-server.ts';

async function collect(iterable: AsyncIterable<WalkPage>): Promise<WalkPage[]> {
  const pages: WalkPage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}
const ids = (pages: WalkPage[]): number[] => pages.flatMap((p) => p.data.map((r) => r['id'] as number));
const kinds = (pages: WalkPage[]): string[] => pages.flatMap((p) => p.anomalies.map((a) => `${a.page}:${a.kind}:${a.resolved ? 'resolved' : 'unresolved'}`));

describe('paging math (§4.1)', () => {
  it.each([
    [0, 50, 1],
    [1, 50, 1],
    [50, 50, 1],
    [51, 50, 2],
    [126213, 50, 2525],
    [7, 4, 2],
    [93256, 100, 933],
  ])('total %i / perPage %i → lastPage %i', (total, perPage, last) => {
    expect(computeLastPage({ total, perPage })).toBe(last);
  });

  it('hasNext = currentPage < lastPage', () => {
    expect(hasNextPage({ perPage: 4, currentPage: 1, total: 7 })).toBe(true);
    expect(hasNextPage({ perPage: 4, currentPage: 2, total: 7 })).toBe(false);
    expect(hasNextPage({ perPage: 50, currentPage: 1, total: 0 })).toBe(false);
  });
});

describe('listPage on the fixtures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((req) => {
      const page = req.body ? (JSON.parse(req.body) as { page?: number }).page : undefined;
      if (route(req) === '/orders') return { body: fixtureText(page === 2 ? 'orders.page2.json' : 'orders.page1.json') };
      if (route(req) === '/promo-codes') return { body: fixtureText('promo-codes.page1.json') };
      return { body: fixtureText('orders.empty.json') };
    });
  });
  afterAll(() => server.close());

  it('derives lastPage/hasNext from the paging block and keeps fractional money exact', async () => {
    const client = testClient(server);
    const p1 = await client.listPage('orders', { page: 1 });
    expect(p1.paging).toEqual({ perPage: 4, currentPage: 1, total: 7 });
    expect([p1.lastPage, p1.hasNext]).toEqual([2, true]);
    expect(p1.data[2]?.['price']).toBe('1317.5');
    const p2 = await client.listPage('orders', { page: 2 });
    expect([p2.paging.currentPage, p2.lastPage, p2.hasNext]).toEqual([2, 2, false]);
    const walked = await collect(client.walk('orders'));
    expect(ids(walked)).toEqual([7310245, 7310388, 7310412, 7310590, 7310733, 7310801, 7310957]);
    expect(kinds(walked)).toEqual([]);
  });

  it('walks the empty list without yielding anything', async () => {
    const pages = await collect(testClient(server).walk('clients'));
    expect(pages).toEqual([]);
  });

  it('does not flag promo codes that are out of id order (grouped by discount_id, Q23)', async () => {
    const pages = await collect(testClient(server).walk('promo-codes'));
    expect(ids(pages)).toHaveLength(6);
    expect(kinds(pages)).toEqual([]);
  });

  it('rejects bad arguments', async () => {
    const client = testClient(server);
    await expect(client.listPage('orders', { page: 0 })).rejects.toThrow(RangeError);
    await expect(client.listPage('tickets' as never, { page: 1 })).rejects.toThrow(TypeError);
    await expect(client.listPage('orders', { page: 1, where: [{ column: 'id', operator: 'like', value: 1 }] })).rejects.toThrow(/operator/);
  });
});

describe('walk anomaly handling (scripted server)', () => {
  let server: TestServer;
  let state: ListState;
  beforeAll(async () => {
    server = await startTestServer((req) => listHandler(state)(req));
  });
  afterAll(() => server.close());

  function setup(rows: ListState['rows'], perPage: number, hook?: ListState['hook']): void {
    state = { rows, perPage, understands: { body: true, query: true }, ...(hook ? { hook } : {}) };
    const handler = listHandler(state);
    server.setHandler((req) => handler(req));
    server.requests.length = 0;
  }

  it('a clean walk fetches each page once and yields every id once', async () => {
    setup(idsFrom(1001, 23), 5);
    const pages = await collect(testClient(server).walk('orders'));
    expect(ids(pages)).toEqual(idsFrom(1001, 23).map((r) => r.id));
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests).toHaveLength(5);
    expect(kinds(pages)).toEqual([]);
  });

  it('a transiently short page mid-walk is re-fetched once and reported as resolved', async () => {
    setup(idsFrom(1, 20), 5, (page, n, s) =>
      page === 2 && n === 1 ? { json: { data: s.rows.slice(5, 8), paging: { perPage: 5, currentPage: 2, total: 20 } } } : undefined,
    );
    const pages = await collect(testClient(server).walk('orders'));
    expect(ids(pages)).toEqual(idsFrom(1, 20).map((r) => r.id));
    expect(kinds(pages)).toEqual(['2:short_page:resolved']);
    expect(pages[1]?.anomalies[0]?.refetched).toBe(true);
    expect(server.requests).toHaveLength(5);
  });

  it('a persistently short page is reported as unresolved, never silently accepted', async () => {
    setup(idsFrom(1, 20), 5, (page, _n, s) =>
      page === 2 ? { json: { data: s.rows.slice(5, 8), paging: { perPage: 5, currentPage: 2, total: 20 } } } : undefined,
    );
    const pages = await collect(testClient(server).walk('orders'));
    expect(kinds(pages)).toEqual(['2:short_page:unresolved']);
    expect(ids(pages)).toHaveLength(18);
  });

  it('an empty page before total is reached is re-fetched; a persistent one is reported and the walk goes on', async () => {
    setup(idsFrom(1, 20), 5, (page, n) => (page === 3 && n === 1 ? { json: { data: [], paging: { perPage: 5, currentPage: 3, total: 20 } } } : undefined));
    let pages = await collect(testClient(server).walk('orders'));
    expect(ids(pages)).toEqual(idsFrom(1, 20).map((r) => r.id));
    expect(kinds(pages)).toEqual(['3:empty_page:resolved']);

    setup(idsFrom(1, 20), 5, (page) => (page === 3 ? { json: { data: [], paging: { perPage: 5, currentPage: 3, total: 20 } } } : undefined));
    pages = await collect(testClient(server).walk('orders'));
    expect(kinds(pages)).toEqual(['3:empty_page:unresolved']);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(ids(pages)).toHaveLength(15);
  });

  it('gives up after consecutive empty pages instead of requesting thousands of them', async () => {
    setup(idsFrom(1, 500), 5, (page, _n, s) =>
      page >= 2 ? { json: { data: [], paging: { perPage: 5, currentPage: page, total: s.rows.length } } } : undefined,
    );
    const pages = await collect(testClient(server).walk('orders', { maxConsecutiveEmpty: 2 }));
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages.at(-1)?.anomalies.map((a) => a.kind)).toEqual(['empty_page', 'gave_up']);
  });

  it('a total that grows during the walk moves lastPage and the new rows are walked too', async () => {
    setup(idsFrom(1, 12), 5, (page, n, s) => {
      if (page === 2 && n === 1) s.rows.push(...idsFrom(13, 9)); // 12 → 21 rows while page 2 is served
      return undefined;
    });
    const pages = await collect(testClient(server).walk('orders'));
    expect(ids(pages)).toEqual(idsFrom(1, 21).map((r) => r.id));
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5]);
    expect(kinds(pages)).toEqual(['2:total_changed:resolved']);
    expect(pages[1]?.anomalies[0]).toMatchObject({ before: 12, after: 21 });
  });

  it('duplicates across pages (rows shifted by an insert) are re-fetched, reported and dropped', async () => {
    setup(idsFrom(10, 15, 10), 5, (page, n, s) => {
      if (page === 1 && n === 1) {
        const reply = pageReply(s, 1);
        s.rows.splice(2, 0, { id: 25 }); // an insert in the middle shifts every later row forward by one
        return reply;
      }
      return undefined;
    });
    const pages = await collect(testClient(server).walk('orders', { idOrder: 'none' }));
    const seen = ids(pages);
    expect(new Set(seen).size).toBe(seen.length);
    expect(kinds(pages)).toEqual(['2:duplicate_ids:unresolved', '2:total_changed:resolved']);
    expect(pages[1]?.droppedDuplicates).toBe(1);
    expect(pages[1]?.anomalies[0]?.ids).toEqual([50]);
    expect(server.requests).toHaveLength(5); // pages 1, 2, 2 (re-fetch), 3, 4
    expect(seen).toEqual(expect.arrayContaining(idsFrom(10, 15, 10).map((r) => r.id)));
  });

  it('ids that are not ascending are re-fetched once and reported', async () => {
    setup(idsFrom(1, 15), 5, (page, _n, s) => {
      if (page !== 2) return undefined;
      const rows = s.rows.slice(5, 10).reverse();
      return { json: { data: rows, paging: { perPage: 5, currentPage: 2, total: 15 } } };
    });
    const pages = await collect(testClient(server).walk('orders'));
    expect(kinds(pages)).toEqual(['2:ids_out_of_order:unresolved']);
    expect(ids(pages)).toHaveLength(15);
    expect(server.requests).toHaveLength(4);
  });

  it('stops on an empty page at/after the end', async () => {
    setup(idsFrom(1, 10), 5);
    const pages = await collect(testClient(server).walk('orders', { fromPage: 4 }));
    expect(pages).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('expects descending ids with orderBy {id: desc}', async () => {
    setup(idsFrom(100, 10, -1), 5);
    const pages = await collect(testClient(server).walk('orders', { orderBy: { id: 'desc' } }));
    expect(kinds(pages)).toEqual([]);
    setup(idsFrom(1, 10), 5);
    const wrong = await collect(testClient(server).walk('orders', { orderBy: { id: 'desc' } }));
    expect(kinds(wrong)[0]).toMatch(/ids_out_of_order/);
  });

  it('switches to the query encoding when the server ignores `page` in a GET body', async () => {
    setup(idsFrom(1, 12), 5);
    state.understands = { body: false, query: true };
    const client = testClient(server);
    const pages = await collect(client.walk('orders'));
    expect(ids(pages)).toEqual(idsFrom(1, 12).map((r) => r.id));
    expect(client.filterEncoding).toBe('query');
    expect(server.requests.map((r) => [r.body, r.rawQuery])).toEqual([
      ['', ''],
      ['{"page":2}', ''],
      ['', 'page=2'],
      ['', 'page=3'],
    ]);
  });

  it('throws when the server ignores `page` in both encodings (never loops over page 1)', async () => {
    setup(idsFrom(1, 12), 5);
    state.understands = { body: false, query: false };
    const error = await testClient(server)
      .listPage('orders', { page: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(/ignored page=2/);
  });
});

describe('walkTail — the id-ascending fallback of §5.1', () => {
  let server: TestServer;
  let state: ListState;
  beforeAll(async () => {
    state = { rows: [], perPage: 50, understands: { body: true, query: true } };
    server = await startTestServer((req) => listHandler(state)(req));
  });
  afterAll(() => server.close());

  it('walks back from the last page until it passes the high-water id and returns exactly the newer ids', async () => {
    const rows = idsFrom(5000, 1234, 3);
    state = { rows, perPage: 50, understands: { body: true, query: true } };
    const handler = listHandler(state);
    server.setHandler((req) => handler(req));
    server.requests.length = 0;
    const afterId = rows[1100]?.id ?? 0;
    const pages = await collect(testClient(server).walkTail('orders', { afterId }));
    const found = ids(pages).sort((a, b) => a - b);
    expect(found).toEqual(rows.filter((r) => r.id > afterId).map((r) => r.id));
    expect(pages.map((p) => p.page)).toEqual([25, 24, 23]);
    expect(server.requests).toHaveLength(4);
  });

  it('picks up pages appended while walking back', async () => {
    const rows = idsFrom(1, 120);
    state = {
      rows,
      perPage: 50,
      understands: { body: true, query: true },
      hook: (page, n, s) => {
        if (page === 3 && n === 1) s.rows.push(...idsFrom(121, 60));
        return undefined;
      },
    };
    const handler = listHandler(state);
    server.setHandler((req) => handler(req));
    const pages = await collect(testClient(server).walkTail('orders', { afterId: 95 }));
    expect(ids(pages).sort((a, b) => a - b)).toEqual(idsFrom(96, 85).map((r) => r.id));
  });

  it('returns nothing new when the high-water id is the newest', async () => {
    state = { rows: idsFrom(1, 120), perPage: 50, understands: { body: true, query: true } };
    const handler = listHandler(state);
    server.setHandler((req) => handler(req));
    const pages = await collect(testClient(server).walkTail('orders', { afterId: 120 }));
    expect(ids(pages)).toEqual([]);
  });
});

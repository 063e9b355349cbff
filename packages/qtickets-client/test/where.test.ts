import { fixtureText } from '@qtp/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeQuery, formatApiTimestamp, matchesWhere, parseApiJson, timestampToEpochMs, verifyFilter, type WhereCondition } from '../src/index.ts';
import { testClient } from './support/client.ts';
import { startTestServer, type TestServer } from './support/http-server.ts';
import { captureLogger } from './support/log-capture.ts';

const order = {
  id: 7310412,
  payed: true,
  payed_at: '2025-11-19T09:41:27+03:00',
  deleted_at: null,
  price: '1317.5',
  event_id: 90412,
  payment_type_id: '5120334',
  tags: [3, 5],
  client: { id: 2204230 },
};

describe('matchesWhere (§3.3 grammar)', () => {
  it.each<[string, WhereCondition[], boolean]>([
    ['default operator is =', [{ column: 'event_id', value: 90412 }], true],
    ['= false', [{ column: 'event_id', value: 90413 }], false],
    ['payed = 1 matches true', [{ column: 'payed', value: 1 }], true],
    ['payed = true', [{ column: 'payed', value: true }], true],
    ['payed = 0', [{ column: 'payed', value: 0 }], false],
    ['!=', [{ column: 'event_id', operator: '!=', value: 1 }], true],
    ['< on ids', [{ column: 'id', operator: '<', value: 7310413 }], true],
    ['> on ids', [{ column: 'id', operator: '>', value: 7310412 }], false],
    ['>= on ids', [{ column: 'id', operator: '>=', value: 7310412 }], true],
    ['<= on ids', [{ column: 'id', operator: '<=', value: 7310411 }], false],
    ['decimal string money compared numerically', [{ column: 'price', operator: '>', value: 1317.49 }], true],
    ['numeric string = number', [{ column: 'payment_type_id', value: 5120334 }], true],
    ['in', [{ column: 'event_id', operator: 'in', value: [1, 90412] }], true],
    ['in (miss)', [{ column: 'event_id', operator: 'in', value: [1, 2] }], false],
    ['not in', [{ column: 'event_id', operator: 'not in', value: [1, 2] }], true],
    ['not in (hit)', [{ column: 'event_id', operator: 'not in', value: [90412] }], false],
    ['null', [{ column: 'deleted_at', operator: 'null' }], true],
    ['null on a set value', [{ column: 'payed_at', operator: 'null' }], false],
    ['null on a missing column', [{ column: 'nope', operator: 'null' }], true],
    ['not null', [{ column: 'payed_at', operator: 'not null' }], true],
    ['= null means IS NULL', [{ column: 'deleted_at', value: null }], true],
    ['comparison with null is false', [{ column: 'deleted_at', operator: '>', value: '2025-01-01T00:00:00+03:00' }], false],
    ['in array', [{ column: 'tags', operator: 'in array', value: 5 }], true],
    ['not in array', [{ column: 'tags', operator: 'not in array', value: 4 }], true],
    ['dotted column', [{ column: 'client.id', value: 2204230 }], true],
    [
      'AND of conditions',
      [
        { column: 'payed', value: 1 },
        { column: 'deleted_at', operator: 'null' },
        { column: 'event_id', value: 1 },
      ],
      false,
    ],
    ['empty where matches everything', [], true],
    // timestamps compare as instants, whatever the offset
    ['ts >= same instant in UTC', [{ column: 'payed_at', operator: '>=', value: '2025-11-19T06:41:27Z' }], true],
    ['ts > same instant in UTC', [{ column: 'payed_at', operator: '>', value: '2025-11-19T06:41:27Z' }], false],
    ['ts = same instant at +06:00', [{ column: 'payed_at', value: '2025-11-19T12:41:27+06:00' }], true],
    ['ts < one second later at -05:00', [{ column: 'payed_at', operator: '<', value: '2025-11-19T01:41:28-05:00' }], true],
    [
      'ts window (Moscow day)',
      [
        { column: 'payed_at', operator: '>=', value: '2025-11-19T00:00:00+03:00' },
        { column: 'payed_at', operator: '<', value: '2025-11-20T00:00:00+03:00' },
      ],
      true,
    ],
    ['ts window across offsets (lexically wrong, instant right)', [{ column: 'payed_at', operator: '<', value: '2025-11-19T07:00:00+00:00' }], true],
    ['ts vs Date object', [{ column: 'payed_at', operator: '<', value: new Date('2025-11-19T06:41:28Z') }], true],
  ])('%s', (_name, where, expected) => {
    expect(matchesWhere(order, where)).toBe(expected);
  });

  it('throws on an unknown operator', () => {
    expect(() => matchesWhere(order, [{ column: 'id', operator: 'like', value: 1 }])).toThrow(/operator/);
    expect(() => matchesWhere(order, [{ column: 'id', operator: 'in', value: 1 }])).toThrow(/array/);
  });

  it('timestampToEpochMs handles offsets, Z and fractions', () => {
    expect(timestampToEpochMs('2025-11-19T09:41:27+03:00')).toBe(Date.UTC(2025, 10, 19, 6, 41, 27));
    expect(timestampToEpochMs('2025-11-19T06:41:27.250Z')).toBe(Date.UTC(2025, 10, 19, 6, 41, 27, 250));
    expect(timestampToEpochMs('2025-11-19')).toBeUndefined();
  });
});

describe('verifyFilter', () => {
  const rows = (parseApiJson(fixtureText('orders.page1.json')) as { data: unknown[] }).data;

  it.each<[string, WhereCondition[], boolean, number]>([
    ['payed = 1', [{ column: 'payed', value: 1 }], false, 1],
    ['deleted_at null', [{ column: 'deleted_at', operator: 'null' }], false, 1],
    ['id > 0', [{ column: 'id', operator: '>', value: 0 }], true, 0],
    [
      'payed_at in Nov 18-21 (Moscow)',
      [
        { column: 'payed_at', operator: '>=', value: '2025-11-18T00:00:00+03:00' },
        { column: 'payed_at', operator: '<', value: '2025-11-21T00:00:00+03:00' },
      ],
      false,
      1,
    ],
    ['updated_at >= 2025-11-20 UTC', [{ column: 'updated_at', operator: '>=', value: '2025-11-20T00:00:00Z' }], false, 2],
  ])('%s', (_name, where, honoured, violations) => {
    expect(verifyFilter(rows, where)).toEqual({ honoured, violations });
  });

  it('an empty page honours any filter', () => {
    expect(verifyFilter([], [{ column: 'payed', value: 1 }])).toEqual({ honoured: true, violations: 0 });
  });
});

describe('formatApiTimestamp', () => {
  it('formats instants in Moscow time with a colon offset', () => {
    expect(formatApiTimestamp(new Date('2025-10-31T21:00:00Z'))).toBe('2025-11-01T00:00:00+03:00');
    expect(formatApiTimestamp('2025-11-01T00:00:00+03:00')).toBe('2025-11-01T00:00:00+03:00');
    expect(formatApiTimestamp(Date.UTC(2025, 11, 31, 22, 59, 59, 999))).toBe('2026-01-01T01:59:59+03:00');
    expect(formatApiTimestamp(new Date('2025-11-01T00:00:00Z'), 0)).toBe('2025-11-01T00:00:00+00:00');
    expect(formatApiTimestamp(new Date('2025-11-01T00:00:00Z'), -330)).toBe('2025-10-31T18:30:00-05:30');
    expect(() => formatApiTimestamp('nonsense')).toThrow(RangeError);
  });
});

describe('parameter encodings on the wire', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((req) => {
      const page = req.body ? (JSON.parse(req.body) as { page?: number }).page : Number(req.query.get('page') ?? 1);
      return { body: fixtureText(page === 2 ? 'orders.page2.json' : 'orders.page1.json') };
    });
  });
  afterAll(() => server.close());

  const where = [
    { column: 'payed_at', operator: '>=', value: formatApiTimestamp(new Date('2025-10-31T21:00:00Z')) },
    { column: 'deleted_at', operator: 'null' },
  ];

  it("'body' (default) sends the parameters as a JSON body on GET", async () => {
    server.requests.length = 0;
    await testClient(server).listPage('orders', { page: 2, where, orderBy: { id: 'asc' } });
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.rawQuery).toBe('');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({ where, orderBy: { id: 'asc' }, page: 2 });
  });

  it('page 1 without filters sends no parameters at all (the only observed-working form)', async () => {
    server.requests.length = 0;
    await testClient(server).listPage('orders', { page: 1 });
    expect(server.requests[0]?.body).toBe('');
    expect(server.requests[0]?.rawQuery).toBe('');
  });

  it("'query' sends percent-encoded JSON with + as %2B and no body", async () => {
    server.requests.length = 0;
    await testClient(server, { filterEncoding: 'query' }).listPage('orders', { page: 2, where, orderBy: { id: 'asc' } });
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.body).toBe('');
    expect(request?.rawQuery).toContain('%2B03%3A00');
    expect(request?.rawQuery).not.toContain('+');
    expect(request?.rawQuery).toMatch(/^where=.*&orderBy=.*&page=2$/);
    expect(JSON.parse(request?.query.get('where') ?? '')).toEqual(where);
    expect(JSON.parse(request?.query.get('orderBy') ?? '')).toEqual({ id: 'asc' });
    expect(request?.query.get('page')).toBe('2');
  });

  it('encodeQuery encodes spaces and plus signs', () => {
    expect(encodeQuery({ where: [{ column: 'a', operator: 'not in', value: ['+'] }], page: 3 })).toBe(
      'where=%5B%7B%22column%22%3A%22a%22%2C%22operator%22%3A%22not%20in%22%2C%22value%22%3A%5B%22%2B%22%5D%7D%5D&page=3',
    );
  });
});

describe('listFiltered', () => {
  let server: TestServer;
  let ignoreWhere = true;
  beforeAll(async () => {
    server = await startTestServer((req) => {
      if (!ignoreWhere && req.body) return { body: fixtureText('orders.empty.json') };
      return { body: fixtureText('orders.page1.json') };
    });
  });
  afterAll(() => server.close());

  it('reports filterHonoured=false and logs a warning when the server ignores the filter', async () => {
    ignoreWhere = true;
    const log = captureLogger();
    const page = await testClient(server, { logger: log.logger }).listFiltered('orders', { where: [{ column: 'payed', value: 1 }] });
    expect(page.filterHonoured).toBe(false);
    expect(page.violations).toBe(1);
    expect(page.data).toHaveLength(4);
    const warning = log.lines
      .map((l) => JSON.parse(l) as { level: string; msg: string; violations?: number })
      .find((l) => l.msg === 'server ignored the where filter');
    expect(warning).toMatchObject({ level: 'warn', violations: 1 });
  });

  it('reports filterHonoured=true when every row satisfies the filter', async () => {
    ignoreWhere = false;
    const page = await testClient(server).listFiltered('orders', { where: [{ column: 'id', operator: '>', value: 7399999 }] });
    expect(page.filterHonoured).toBe(true);
    expect(page.paging.total).toBe(0);
  });

  it('walk() flags pages that violate its where filter', async () => {
    ignoreWhere = true;
    const pages = [];
    for await (const p of testClient(server).walk('orders', { where: [{ column: 'payed', value: 1 }] })) {
      pages.push(p);
      break;
    }
    expect(pages[0]?.anomalies.map((a) => a.kind)).toContain('filter_ignored');
  });
});

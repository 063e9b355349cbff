import { describe, expect, it } from 'vitest';
import { fixture, fixtureOrders } from '../../../test/fixtures.ts';
import { sanitizeOrder } from './orders.allowlist.ts';
import { sumMoney, transformOrder } from './orders.transform.ts';

const SALT = 'test-salt-0123456789abcdef';
const clean = (o: unknown) => sanitizeOrder(o, SALT);

function basket(over: Record<string, unknown> = {}) {
  return {
    id: 900001,
    show_id: 610021,
    seat_id: 'parter-3;14',
    seat_name: 'Партер, ряд 3, место 14',
    original_price: 1500,
    discount_value: 0,
    price: 1500,
    ticket_amount: 1500,
    service_fee_amount: 0,
    quantity: 1,
    checked_at: null,
    created_at: '2025-11-18T13:59:00+03:00',
    updated_at: '2025-11-18T14:05:00+03:00',
    deleted_at: null,
    refunded_at: null,
    refunded_amount: null,
    refunded_deduction_amount: null,
    ...over,
  };
}

function order(over: Record<string, unknown> = {}, baskets = [basket()]) {
  return {
    id: 7000001,
    payed: true,
    payed_at: '2025-11-18T14:04:55+03:00',
    client_hash: 'ab'.repeat(16),
    event_id: 90412,
    price: 1500,
    original_price: 1500,
    currency_id: 'RUB',
    reserved: false,
    reserved_to: '2025-11-19T14:00:00+03:00',
    baskets,
    created_at: '2025-11-18T14:00:00+03:00',
    updated_at: '2025-11-18T14:05:00+03:00',
    deleted_at: null,
    ...over,
  };
}

type Rows = Extract<ReturnType<typeof transformOrder>, { kind: 'rows' }>;
const rows = (o: unknown): Rows => {
  const r = transformOrder(o);
  if (r.kind !== 'rows') throw new Error(`quarantined: ${r.reason}`);
  return r;
};

describe('transformOrder: fixtures', () => {
  it.each(fixtureOrders().map((o) => [o.id, o] as const))('order %s yields one row per order and per basket', (_id, raw) => {
    const r = rows(clean(raw));
    expect(r.order.order_id).toBe(raw.id);
    expect(r.lines.map((l) => l.basket_id)).toEqual((raw.baskets as Array<{ id: number }>).map((b) => b.id));
    expect(r.order._ver).toBe(r.order.updated_at);
    // deterministic: same input, same rows
    expect(transformOrder(clean(raw))).toEqual(r);
  });

  it('keeps fractional money exact and sums lines to the order total', () => {
    const all = fixtureOrders().map((o) => rows(clean(o)));
    const fractional = all.flatMap((r) => r.lines).filter((l) => !l.price.endsWith('.00'));
    expect(fractional.length).toBeGreaterThan(0);
    for (const r of all) expect(sumMoney(r.lines.map((l) => l.price))).toBe(r.order.price);
  });

  it('reads the single-order envelope the same as the list item', () => {
    const single = fixture<{ data: Record<string, unknown> }>('orders.single.json').data;
    const fromList = fixtureOrders().find((o) => o.id === single.id);
    if (fromList) expect(rows(clean(single)).lines).toEqual(rows(clean(fromList)).lines);
    expect(rows(clean(single)).order.order_id).toBe(single.id);
  });
});

describe('transformOrder: states', () => {
  it.each([
    ['paid', order(), { status: 'paid', payed: 1, sale_date_msk: '2025-11-18' }, { is_sold: 1, is_refunded: 0, is_cancelled: 0 }],
    [
      'reserved (pending)',
      order({ payed: false, payed_at: null }, [basket({ ticket_amount: 0 })]),
      { status: 'reserved', payed: 0, sale_date_msk: null },
      { is_sold: 0, is_refunded: 0, is_cancelled: 0, sale_date_msk: null },
    ],
    [
      'cancelled unpaid',
      order({ payed: false, payed_at: null, deleted_at: '2025-11-19T14:00:00+03:00' }, [
        basket({ deleted_at: '2025-11-19T14:00:00+03:00', refunded_amount: 0, refunded_deduction_amount: 0, ticket_amount: 0 }),
      ]),
      { status: 'cancelled', deleted_at: '2025-11-19 11:00:00.000' },
      { is_sold: 0, is_refunded: 0, is_cancelled: 1 },
    ],
    [
      'refunded, basket marked deleted',
      order({ updated_at: '2025-11-25T10:00:00+03:00' }, [
        basket({
          refunded_at: '2025-11-25T10:00:00+03:00',
          deleted_at: '2025-11-25T10:00:00+03:00',
          refunded_amount: 1350,
          refunded_deduction_amount: 150,
          updated_at: '2025-11-25T10:00:00+03:00',
        }),
      ]),
      { status: 'refunded', tickets_refunded: 1, refunded_amount: '1350.00', sale_date_msk: '2025-11-18' },
      { is_sold: 1, is_refunded: 1, is_cancelled: 0, refund_date_msk: '2025-11-25', refunded_amount: '1350.00', refunded_deduction_amount: '150.00' },
    ],
    [
      'refunded, basket not marked deleted (other reading of the contract)',
      order({}, [basket({ refunded_at: '2025-11-25T10:00:00+03:00', refunded_amount: 1500, refunded_deduction_amount: 0 })]),
      { status: 'refunded' },
      { is_sold: 1, is_refunded: 1, is_cancelled: 0 },
    ],
    [
      'paid late on the Moscow day (UTC date differs)',
      order({ payed_at: '2025-11-18T23:30:00+03:00' }),
      { sale_date_msk: '2025-11-18', payed_at: '2025-11-18 20:30:00.000' },
      { sale_date_msk: '2025-11-18' },
    ],
    [
      'paid in the UTC+4 era',
      order({ payed_at: '2013-06-01T20:30:00Z', created_at: '2013-06-01T20:00:00Z' }),
      { sale_date_msk: '2013-06-02', created_date_msk: '2013-06-02' },
      {},
    ],
  ] as const)('%s', (_name, input, orderExpect, lineExpect) => {
    const r = rows(input);
    expect(r.order).toMatchObject(orderExpect);
    expect(r.lines[0]).toMatchObject(lineExpect);
  });

  it('partially refunded: only the refunded line counts as refunded, both stay sold', () => {
    const r = rows(
      order({ price: 3000, original_price: 3000 }, [
        basket({ id: 1 }),
        basket({ id: 2, refunded_at: '2025-11-20T09:00:00+03:00', refunded_amount: 1500, deleted_at: '2025-11-20T09:00:00+03:00' }),
      ]),
    );
    expect(r.order).toMatchObject({ status: 'partially_refunded', tickets_count: 2, tickets_sold: 2, tickets_refunded: 1, refunded_amount: '1500.00' });
  });

  it("a line's version is the later of its own and its order's update", () => {
    const r = rows(order({ updated_at: '2025-11-20T10:00:00+03:00' }, [basket({ updated_at: '2025-11-18T14:05:00+03:00' })]));
    expect(r.lines[0]!._ver).toBe('2025-11-20 07:00:00.000');
  });
});

describe('transformOrder: quarantine', () => {
  it.each([
    ['id not numeric', order({ id: 'abc' }), /id/],
    ['bad payed_at', order({ payed_at: 'not-a-date' }), /payed_at: expected an ISO timestamp/],
    ['bad price', order({}, [basket({ price: 'abc' })]), /baskets\.0\.price: money must be a decimal/],
    ['more than 2 decimals', order({ price: '10.005' }), /price: money must be a decimal/],
    ['baskets null', order({ baskets: null }), /baskets/],
    ['paid without payed_at', order({ payed_at: null }), /paid order without payed_at/],
    ['duplicate basket ids', order({}, [basket({ id: 5 }), basket({ id: 5 })]), /duplicate basket id 5/],
    ['not an object', 'garbage', /record/],
  ])('%s', (_name, input, reason) => {
    const r = transformOrder(input);
    expect(r.kind).toBe('quarantine');
    if (r.kind === 'quarantine') {
      expect(r.reason).toMatch(reason);
      expect(r.raw).toBe(JSON.stringify(input));
    }
  });

  it('files a record under its id, or a content hash when it has none', () => {
    const a = transformOrder(order({ payed_at: 'bad' }));
    const b = transformOrder({ id: 'x-1', junk: true });
    expect(a.kind === 'quarantine' && a.recordKey).toBe('7000001');
    expect(b.kind === 'quarantine' && b.recordKey).toMatch(/^sha256:[0-9a-f]{32}$/);
  });
});

describe('sumMoney', () => {
  it.each([
    [['0.10', '0.20'], '0.30'],
    [['1222.03', '585.50', '0.47'], '1808.00'],
    [['-10.00', '2.50'], '-7.50'],
    [[], '0.00'],
  ])('%j → %s', (values, total) => expect(sumMoney(values)).toBe(total));
});

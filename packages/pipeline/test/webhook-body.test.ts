import { fixtureText } from '@qtp/testing/fixtures';
import { describe, expect, it } from 'vitest';
import { ordersStream } from '../src/streams/orders/orders.stream.ts';
import { changeOfDelivery, checkChange, recordOfBody } from '../src/webhooks/webhook-body.ts';
import { decide } from '../src/webhooks/webhook-drain.ts';

const SALT = 'test-salt-0123456789abcdef';
/** The single order fixture (wire-exact) as a webhook body: the order object plus the docs-only webhook fields (§7.1). */
const single = fixtureText('orders.single.raw-escaped.json');
const order = (JSON.parse(single) as { data: Record<string, unknown> }).data;
const webhookOnly = {
  primary_orders: [],
  secondary_orders: [],
  refunded_baskets: [],
  checked_basket: null,
  checked_service: null,
  unchecked_basket: null,
  unchecked_service: null,
};
const body = (v: unknown) => Buffer.from(JSON.stringify(v));
const opts = { event: 'payed', piiSalt: SALT, receivedAtMs: Date.parse('2026-11-20T12:00:00Z') };

describe('webhook bodies: both readings of contract §9', () => {
  it.each([
    ['the bare order (the DOC reading)', body({ ...order, ...webhookOnly }), false],
    ['wrapped in data, as GET /orders/{id} answers', body({ data: { ...order, ...webhookOnly } }), true],
    ['the wire-exact single-order response itself', Buffer.from(single), true],
  ])('%s: the record and its id are found', (_what, raw, wrapped) => {
    const found = recordOfBody(raw);
    expect(found?.id).toBe(order.id);
    expect(found?.wrapped).toBe(wrapped);
  });

  it.each([
    ['not JSON', Buffer.from('id=5')],
    ['an array', body([order])],
    ['no id', body({ updated_at: order.updated_at })],
    ['id 0', body({ ...order, id: 0 })],
    ['a non-numeric id', body({ ...order, id: 'x12' })],
    ['data without an id', body({ data: { updated_at: order.updated_at } })],
  ])('%s: no record (ignored)', (_what, raw) => {
    expect(recordOfBody(raw)).toBeNull();
  });

  it('reads a numeric string id, and money exactly (fractions kept as text, as the client parses)', () => {
    const found = recordOfBody(Buffer.from(`{"id":"${order.id}","price":1222.03}`));
    expect(found).toMatchObject({ id: order.id, record: { price: '1222.03' } });
  });
});

describe('a delivery becomes a buffered change: PII dropped at the fetcher allow-list, then validated as a fetched order', () => {
  it('keeps only allow-listed fields; the buyer becomes a hash; a full order is usable with its updated_at', () => {
    const change = changeOfDelivery(ordersStream, body({ ...order, ...webhookOnly }), opts);
    if (!change) throw new Error('no change');
    const text = JSON.stringify(change);
    const client = order.client as { email: string };
    expect(text).not.toContain(client.email);
    for (const k of ['payment_url', 'cancel_url', 'uniqid', 'client', 'primary_orders', 'checked_basket']) expect(change.record).not.toHaveProperty(k);
    expect(change.record).toHaveProperty('client_hash');
    const checked = checkChange(ordersStream, change);
    expect(checked.reason).toBeUndefined();
    expect(checked.updatedAtMs).toBe(Date.parse(String(order.updated_at)));
    expect(change.version).toBe(String(Date.parse(String(order.updated_at))));
  });

  it.each([
    ['fields missing (only id and updated_at)', { id: order.id, updated_at: order.updated_at, ...webhookOnly }, /does not validate/],
    ['no baskets', { ...order, baskets: undefined }, /does not validate/],
    ['money that is not a number', { ...order, price: 'abc' }, /does not validate/],
  ])('%s: not usable, refetched by id', (_what, raw, reason) => {
    const change = changeOfDelivery(ordersStream, body(raw), opts);
    if (!change) throw new Error('no change');
    const checked = checkChange(ordersStream, change);
    expect(checked.reason).toMatch(reason);
    expect(decide(checked, undefined)).toMatchObject({ action: 'refetch' });
  });

  it('a redelivery of one change has the same version; a body without updated_at is keyed by its hash', () => {
    const a = changeOfDelivery(ordersStream, body({ ...order }), opts);
    const b = changeOfDelivery(ordersStream, body({ ...order }), { ...opts, receivedAtMs: opts.receivedAtMs + 60_000 });
    expect(a?.version).toBe(b?.version);
    const noTime = changeOfDelivery(ordersStream, body({ id: order.id }), opts);
    expect(noTime?.version).toMatch(/^h[0-9a-f]{16}$/);
  });
});

describe('apply or refetch: the version ClickHouse holds', () => {
  const change = checkChange(ordersStream, changeOfDelivery(ordersStream, body(order), opts) as NonNullable<ReturnType<typeof changeOfDelivery>>);
  const at = change.updatedAtMs as number;
  it.each([
    ['ClickHouse holds nothing of it', undefined, 'apply'],
    ['ClickHouse holds an older version', at - 1_000, 'apply'],
    ['ClickHouse holds this version (a redelivery after the marker expired)', at, 'apply'],
    ['ClickHouse holds a newer version (an old delivery retried late)', at + 1_000, 'refetch'],
  ] as const)('%s: %s', (_what, latest, action) => {
    expect(decide(change, latest).action).toBe(action);
  });
});

import { fixtureNames, fixtureText } from '@qtp/testing/fixtures';
import { describe, expect, it } from 'vitest';
import {
  barcodeListSchema,
  barcodeScanSchema,
  basketSchema,
  canonicalMoney,
  clientSchema,
  colorThemeSchema,
  discountSchema,
  eventSchema,
  listEnvelopeSchema,
  mixedBool,
  money,
  orderSchema,
  parseApiJson,
  parseShowSeats,
  partnerErrorSchema,
  partnerTicketsCheckSchema,
  partnerTicketsFindSchema,
  promoCodeSchema,
  restErrorSchema,
  singleEnvelopeSchema,
  timestamp,
  utmSchema,
} from '../src/index.ts';

const load = (name: string): unknown => parseApiJson(fixtureText(name));
type Rows = { data: unknown[] };

describe('money', () => {
  it.each([
    [585, '585.00'],
    [0, '0.00'],
    ['585', '585.00'],
    ['585.5', '585.50'],
    ['1222.03', '1222.03'],
    ['1317.50', '1317.50'],
    ['1500.0', '1500.00'],
    ['-97.5', '-97.50'],
    ['12345678901234567890.1', '12345678901234567890.10'],
  ])('%j → %s', (input, expected) => {
    expect(money.parse(input)).toBe(expected);
  });

  it.each([['585.505'], ['1.001'], ['abc'], [''], ['1e3'], ['1.'], [' 1'], [585.5], [Number.NaN], [null], [true]])('rejects %j', (input) => {
    expect(money.safeParse(input).success).toBe(false);
  });

  it('canonicalMoney throws on junk', () => {
    expect(() => canonicalMoney('12,50')).toThrow();
  });
});

describe('timestamp and booleans', () => {
  it.each(['2025-11-20T11:15:41+03:00', '2025-12-27T12:00:00+06:00', '2025-11-20T08:15:41Z', '2025-11-20T11:15:41.123+03:00', '2025-11-20T11:15:41-05:30'])(
    'accepts %s and keeps it verbatim',
    (value) => {
      expect(timestamp.parse(value)).toBe(value);
    },
  );

  it.each(['2025-11-20', '2025-11-20 11:15:41', '2025-11-20T11:15:41', '2025-11-20T11:15:41+0300', 'yesterday', 1732090541])('rejects %j', (value) => {
    expect(timestamp.safeParse(value).success).toBe(false);
  });

  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
  ])('mixedBool %j → %j', (input, expected) => {
    expect(mixedBool.parse(input)).toBe(expected);
  });

  it.each([[2], ['yes'], [''], [null]])('mixedBool rejects %j', (input) => {
    expect(mixedBool.safeParse(input).success).toBe(false);
  });
});

describe('orders (§7.1/§7.2)', () => {
  const orders = [...(load('orders.page1.json') as Rows).data, ...(load('orders.page2.json') as Rows).data];

  it('parses every order of both list pages with exact money', () => {
    const parsed = orders.map((o) => orderSchema.parse(o));
    expect(parsed.map((o) => o.id)).toEqual([7310245, 7310388, 7310412, 7310590, 7310733, 7310801, 7310957]);
    const fractional = parsed[2];
    expect(fractional?.price).toBe('1317.50');
    expect(fractional?.original_price).toBe('1550.00');
    expect(fractional?.baskets.map((b) => [b.price, b.discount_value, b.ticket_amount])).toEqual([
      ['552.50', '97.50', '552.50'],
      ['382.50', '67.50', '382.50'],
      ['382.50', '67.50', '382.50'],
    ]);
    expect(fractional?.payment_type_id).toBe('5120334');
    expect(fractional?.reserve_extended).toBe(true);
    const free = parsed[6];
    expect(free?.price).toBe('0.00');
  });

  it('normalises the empty-collection quirks (Q11) and keeps timestamps verbatim', () => {
    const [first, second] = orders.map((o) => orderSchema.parse(o));
    expect(first?.utm).toEqual({ utm_source: 'vk', utm_medium: 'post', utm_campaign: 'robots_nov' });
    expect(second?.utm).toBeNull();
    expect(first?.custom).toBeNull();
    expect(first?.fields).toBeNull();
    expect(first?.integrations).toBeNull();
    expect(first?.payed_at).toBe('2025-11-18T14:04:55+03:00');
    const backOffice = orderSchema.parse(orders[4]);
    expect(backOffice.custom).toEqual({ var1: 'partner-42', var2: 'winter-campaign' });
    expect(backOffice.fields).toEqual({ organization_name: 'ООО «Пример Плюс»' });
    expect(backOffice.backend_user_id).toBe(20877);
  });

  it('keeps basket null-vs-zero refunds apart (Q13) and the refunded ticket amounts', () => {
    const cancelled = orderSchema.parse(orders[1]);
    expect(cancelled.baskets[0]?.refunded_amount).toBe('0.00');
    expect(cancelled.baskets[0]?.barcode).toBeNull();
    const live = orderSchema.parse(orders[0]);
    expect(live.baskets[0]?.refunded_amount).toBeNull();
    const refunded = orderSchema.parse(orders[3]);
    expect(refunded.baskets[1]?.refunded_amount).toBe('1350.00');
    expect(refunded.baskets[1]?.refunded_deduction_amount).toBe('150.00');
    expect(refunded.refunds).toHaveLength(1);
  });

  it('parses the single order in both byte styles to the same value; integrations is an object there', () => {
    const a = singleEnvelopeSchema(orderSchema).parse(load('orders.single.json'));
    const b = singleEnvelopeSchema(orderSchema).parse(load('orders.single.raw-escaped.json'));
    expect(b).toEqual(a);
    expect(a.data.integrations).toEqual({ roistat: { roistat_visit: null } });
  });

  it('parses the empty filtered list', () => {
    const empty = listEnvelopeSchema(orderSchema).parse(load('orders.empty.json'));
    expect(empty.data).toEqual([]);
    expect(empty.paging).toEqual({ perPage: 50, currentPage: 1, total: 0 });
  });

  it('is a loose object: unknown keys pass, and PII keys can be omitted by the pipeline', () => {
    const withExtra = orderSchema.parse({ ...(orders[0] as object), primary_orders: [1] });
    expect((withExtra as Record<string, unknown>)['primary_orders']).toEqual([1]);

    const piiOrderKeys = [
      'client',
      'client_email',
      'client_phone',
      'client_name',
      'client_surname',
      'client_middlename',
      'payment_card_number',
      'payment_url',
      'cancel_url',
      'organization_name',
      'legal_name',
      'work_position',
      'inn',
      'kpp',
      'comment',
    ] as const;
    const piiBasketKeys = [
      'client_email',
      'client_phone',
      'client_name',
      'client_surname',
      'client_middlename',
      'organization_name',
      'legal_name',
      'work_position',
      'inn',
      'kpp',
      'comment',
      'pdf_url',
      'passbook_url',
    ] as const;
    const strip = (record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
      Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
    const sanitizedBasket = basketSchema.omit(Object.fromEntries(piiBasketKeys.map((k) => [k, true])) as Record<(typeof piiBasketKeys)[number], true>);
    const sanitizedOrder = orderSchema
      .omit(Object.fromEntries(piiOrderKeys.map((k) => [k, true])) as Record<(typeof piiOrderKeys)[number], true>)
      .extend({ client_hash: orderSchema.shape.uniqid, baskets: sanitizedBasket.array() });
    for (const order of orders) {
      const o = order as Record<string, unknown> & { baskets: Array<Record<string, unknown>> };
      const stripped = { ...strip(o, piiOrderKeys), baskets: o.baskets.map((b) => strip(b, piiBasketKeys)), client_hash: 'h1' };
      expect(sanitizedOrder.safeParse(stripped).success).toBe(true);
      // and the full schema accepts records without the PII keys too
      expect(orderSchema.safeParse({ ...strip(o, piiOrderKeys), baskets: o.baskets.map((b) => strip(b, piiBasketKeys)) }).success).toBe(true);
    }
  });

  it('rejects broken records (missing id, float money, bad timestamp)', () => {
    const base = orders[0] as Record<string, unknown>;
    expect(orderSchema.safeParse({ ...base, id: undefined }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, price: 585.5 }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, price: '585.555' }).success).toBe(false);
    expect(orderSchema.safeParse({ ...base, created_at: '2025-11-18 14:02:11' }).success).toBe(false);
  });

  it('utm accepts [] and objects with numeric campaign ids', () => {
    expect(utmSchema.parse([])).toBeNull();
    expect(utmSchema.parse({ utm_source: 'yandex', utm_campaign: 71234501 })).toEqual({ utm_source: 'yandex', utm_campaign: '71234501' });
  });
});

describe('other record types', () => {
  it('clients (§7.3)', () => {
    const clients = clientSchema.array().parse((load('clients.page1.json') as Rows).data);
    expect(clients).toHaveLength(4);
    expect(clients[3]?.details?.phone).toBeNull();
    expect(clients[0]?.details?.id).not.toBe(clients[0]?.id);
  });

  it('events (§7.4/§7.5) incl. soft-deleted event, missing scheme seats, [""] rows, null min_price, string color_theme', () => {
    const events = eventSchema.array().parse((load('events.page1.json') as Rows).data);
    expect(events.map((e) => e.id)).toEqual([90377, 90412, 90455]);
    expect(events[0]?.deleted_at).toBe('2025-10-20T00:00:07+03:00');
    expect(events[0]?.is_active).toBe(false);
    expect(events[0]?.shows[0]?.scheme_properties?.seats).toBeUndefined();
    expect(events[0]?.shows[0]?.min_price).toBeNull();
    expect(events[1]?.shows[0]?.prices?.[0]?.color_theme).toBe('1');
    expect(events[1]?.shows[0]?.prices?.[0]?.default_price).toBe('650.00');
    expect(events[2]?.shows[0]?.scheme_properties?.seats?.['PARTERRE-7;9']?.spread?.users).toEqual(['50211']);
    expect(events[1]?.place_coordinates).toEqual([55.0301, 82.9204]);
    const single = singleEnvelopeSchema(eventSchema).parse(load('events.single.json'));
    expect(single.data.id).toBe(90412);
  });

  it('seats in all three shapes', () => {
    const admission = parseShowSeats((load('shows.seats.admission.json') as { data: unknown }).data);
    expect(admission.shape).toBe('zones');
    if (admission.shape !== 'zones') throw new Error('shape');
    expect(admission.zones['vzroslyj-bilet']?.seats['1;1']).toEqual({ seat_id: 'vzroslyj-bilet-1;1', admission: true });

    const seated = parseShowSeats((load('shows.seats.seated.json') as { data: unknown }).data);
    if (seated.shape !== 'zones') throw new Error('shape');
    expect(seated.zones['PARTERRE']?.description).toBeNull();
    expect(seated.zones['PARTERRE']?.seats['5;11']?.admission).toBe(false);
    expect(seated.zones['VHODNOJ']?.seats['1;1']?.admission).toBe(true);

    const flat = parseShowSeats((load('shows.seats.flat.json') as { data: unknown }).data);
    if (flat.shape !== 'flat') throw new Error('shape');
    const entry = flat.seats['full_VHODNOJ-1;1'];
    expect(entry?.root_id).toBe('VHODNOJ-1;1');
    expect([entry?.max_quantity, entry?.free_quantity, entry?.price]).toEqual([40, 12, '500.00']);
    expect(flat.seats['full_PARTERRE-1;1']?.disabled).toBe(true);
    expect(parseShowSeats([])).toEqual({ shape: 'zones', zones: {} });
    expect(() => parseShowSeats({ X: { nothing: true } })).toThrow();
  });

  it('color themes, discounts, promo codes', () => {
    const themes = colorThemeSchema.array().parse((load('color-themes.list.json') as Rows).data);
    expect(themes.map((t) => t.id)).toEqual([1, 2, 4, 8, 15, 13]);
    const discounts = discountSchema.array().parse((load('discounts.page1.json') as Rows).data);
    expect(discounts[0]?.deleted_at).not.toBeNull();
    expect(discounts[2]?.shows).toHaveLength(2);
    expect(discounts.every((d) => d.type === 'P')).toBe(true);
    const codes = promoCodeSchema.array().parse((load('promo-codes.page1.json') as Rows).data);
    expect(codes.map((c) => c.max_uses_count)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(codes[5]?.is_active).toBe(false);
  });

  it('barcodes (bare array) and scan info (bare object)', () => {
    const barcodes = barcodeListSchema.parse(load('shows.barcodes.list.json'));
    expect(barcodes.map((b) => b.price)).toEqual(['1500.00', '1200.00', '500.00']);
    expect(barcodeScanSchema.parse(load('shows.barcode.scan-info.json')).checked_at).toBe('2025-11-20T11:15:41+03:00');
  });

  it('partners: tickets find/check with id normalised to string, fractional price exact, local offsets', () => {
    const found = partnerTicketsFindSchema.parse(load('partners.tickets-find.json'));
    expect(found.result.map((t) => t.id)).toEqual(['3310051', '3310052']);
    expect(found.result[0]?.price).toBe('1199.50');
    expect(found.result[1]?.deleted).toBe(true);
    expect(partnerTicketsFindSchema.parse({ status: 'success', result: [{ ...found.result[0], id: 'T-77', paid: 1 }] }).result[0]?.id).toBe('T-77');
    const checked = partnerTicketsCheckSchema.parse(load('partners.tickets-check.json'));
    expect(checked.start_date).toBe('2025-12-27T12:00:00+06:00');
    expect(checked.result).toMatchObject({ seat_id: 'PARTERRE-5;12', row: '5', place: '12', price: '1500.00', available: true });
    expect(partnerErrorSchema.parse(load('partners.error.seat-not-available.json')).code).toBe('SEAT_NOT_AVAILABLE');
    expect(partnerErrorSchema.parse(load('partners.error.wrong-authorization.json')).code).toBe('WRONG_AUTHORIZATION');
  });

  it('REST error bodies', () => {
    for (const name of [
      'errors.401.synthetic.json',
      'errors.403.wrong-authorization.json',
      'errors.404.resource-not-found.json',
      'errors.429.synthetic.json',
      'errors.500.synthetic.json',
      'errors.503.unknown-error.json',
      'errors.503.unknown-error.variant.json',
    ]) {
      expect(restErrorSchema.safeParse(load(name)).success, name).toBe(true);
    }
  });

  it('covers every JSON fixture in the shared folder', () => {
    const covered = new Set([
      'clients.page1.json',
      'color-themes.list.json',
      'discounts.page1.json',
      'errors.401.synthetic.json',
      'errors.403.wrong-authorization.json',
      'errors.404.resource-not-found.json',
      'errors.429.synthetic.json',
      'errors.500.synthetic.json',
      'errors.503.unknown-error.json',
      'errors.503.unknown-error.variant.json',
      'events.page1.json',
      'events.single.json',
      'orders.empty.json',
      'orders.page1.json',
      'orders.page2.json',
      'orders.single.json',
      'orders.single.raw-escaped.json',
      'partners.error.seat-not-available.json',
      'partners.error.wrong-authorization.json',
      'partners.tickets-check.json',
      'partners.tickets-find.json',
      'promo-codes.page1.json',
      'shows.barcode.scan-info.json',
      'shows.barcodes.list.json',
      'shows.seats.admission.json',
      'shows.seats.flat.json',
      'shows.seats.seated.json',
    ]);
    const present = fixtureNames().filter((f) => f.endsWith('.json'));
    expect(present.filter((f) => !covered.has(f))).toEqual([]);
  });
});

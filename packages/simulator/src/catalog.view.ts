import type { ColorTheme } from './catalog.churn.ts';
import { KIND_TYPE_ID, SITES } from './catalog.data.ts';
import type { Catalog, Discount, Event, Price, PromoCode, Show } from './catalog.model.ts';
import { kopToNumber } from './money.ts';
import { hash32, hexFrom } from './random.ts';
import { formatNullableTs, formatTs } from './time.ts';

/** Events (with shows and scheme_properties), discounts, promo codes and colour themes as the API serialises them. */

export function eventRecord(e: Event, seed: number): Record<string, unknown> {
  const site = SITES[hash32(seed, e.id, 26) % SITES.length] as (typeof SITES)[number];
  return {
    id: e.id,
    is_active: e.isActive,
    name: e.name,
    scheme_id: e.schemeId,
    currency_id: 'RUB',
    place_name: e.venue.name,
    place_address: e.venue.address,
    place_description: '',
    city_id: e.city.id,
    description: e.description,
    site_url: `https://${site.host}/`,
    external_id: null,
    ticket_id: 35,
    mail_template_id: 31,
    age: e.age,
    shows: e.shows.map((s) => showRecord(s)),
    payments:
      e.deletedAt === null
        ? [{ id: 50331, is_active: true, name: 'ИП Примеров П. П.', handler: 'payanyway', agree_url: `https://qtickets.ru/legal/demo-org/10001?event=${e.id}` }]
        : [],
    poster: { id: e.posterId, content_type: 'image/jpeg', file_size: 40_000 + (hash32(seed, e.id, 40) % 90_000), url: posterUrl(seed, e) },
    event_type_id: KIND_TYPE_ID[e.kind],
    city: { id: e.city.id, name: e.city.name, timezone: e.city.timezone },
    ticket: { id: 35, is_active: 1, name: 'Системный шаблон' },
    mail_template: { id: 31, is_active: 1, name: 'Системный шаблон' },
    slug: e.slug,
    place_coordinates: e.city.coords,
    url: `https://${e.city.subdomain}.qtickets.events/${e.id}-${e.slug}`,
    created_at: formatTs(e.createdAt),
    updated_at: formatTs(e.updatedAt),
    deleted_at: formatNullableTs(e.deletedAt),
  };
}

const posterUrl = (seed: number, e: Event): string => `https://qtickets.ru/storage/app/uploads/public/abc/def/${hexFrom(12, seed, e.id, 41)}.jpg`;

const priceRecord = (p: Price): Record<string, unknown> => ({ id: p.id, default_price: kopToNumber(p.kop), color_theme: String(p.colorTheme), modifiers: [] });

function showRecord(s: Show): Record<string, unknown> {
  const sorted = [...s.prices].sort((a, b) => a.kop - b.kop);
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  return {
    id: s.id,
    name: s.name,
    is_active: s.isActive,
    sale_start_date: formatNullableTs(s.saleStartAt),
    sale_finish_date: formatTs(s.saleFinishAt),
    open_date: formatTs(s.openAt),
    start_date: formatTs(s.startAt),
    finish_date: formatTs(s.finishAt),
    scheme_properties: schemeProperties(s),
    prices: s.prices.map(priceRecord),
    min_price: s.minMaxPriceNull || !min ? null : priceRecord(min),
    max_price: s.minMaxPriceNull || !max ? null : priceRecord(max),
    created_at: formatTs(s.createdAt),
    updated_at: formatTs(s.updatedAt),
    deleted_at: formatNullableTs(s.deletedAt),
  };
}

/** scheme_properties: every leaf a string, `rows` `[""]` or an object, `seats` sometimes absent (Q12, Q17). */
function schemeProperties(s: Show): Record<string, unknown> {
  const admin: Record<string, unknown> = {};
  const zones: Record<string, unknown> = {};
  const seats: Record<string, unknown> = {};
  for (const z of s.zones) {
    const rowNumbers = Array.from({ length: z.rows }, (_, i) => String(i + 1));
    if (z.admission) {
      admin[z.key] = { opened: '1', was_opened: '1', rows: { '1': { was_opened: '1' } } };
      zones[z.key] = { disabled: '0', spread: { enabled: '' }, price_id: String(z.rowPriceIds[0]), rows: [''] };
      seats[`${z.key}-1;1`] = { max_quantity: z.schemeMaxQuantity ? String(z.capacity) : '', hot: '', show_free_quantity: '' };
    } else {
      admin[z.key] = { opened: '1', was_opened: '1', rows: Object.fromEntries(rowNumbers.map((r) => [r, { opened: '1' }])) };
      zones[z.key] = {
        disabled: '0',
        price_id: '',
        label: z.name,
        rows: Object.fromEntries(rowNumbers.map((r, i) => [r, { disabled: '0', price_id: String(z.rowPriceIds[i]) }])),
        spread: { enabled: '' },
      };
      seats[`${z.key}-${z.rows};1`] = { disabled: '0', spread: { users: ['50211'], enabled: '1' } };
    }
  }
  return s.hasSeatsBlock ? { admin: { zones: admin }, zones, seats } : { admin: { zones: admin }, zones };
}

export function discountRecord(d: Discount, catalog: Catalog): Record<string, unknown> {
  return {
    id: d.id,
    is_active: d.isActive,
    name: d.name,
    active_from: formatNullableTs(d.activeFrom),
    active_to: formatNullableTs(d.activeTo),
    type: 'P',
    events: d.eventIds.flatMap((id) => {
      const e = catalog.eventById.get(id);
      return e ? [{ id: e.id, is_active: e.isActive, name: e.name, deleted_at: formatNullableTs(e.deletedAt) }] : [];
    }),
    shows: d.showIds.flatMap((id) => {
      const s = catalog.showById.get(id);
      return s
        ? [
            {
              id: s.id,
              is_active: s.isActive,
              event_id: s.eventId,
              sale_start_date: formatNullableTs(s.saleStartAt),
              sale_finish_date: formatTs(s.saleFinishAt),
              open_date: formatTs(s.openAt),
              start_date: formatTs(s.startAt),
              finish_date: formatTs(s.finishAt),
              created_at: formatTs(s.createdAt),
              updated_at: formatTs(s.updatedAt),
              deleted_at: formatNullableTs(s.deletedAt),
            },
          ]
        : [];
    }),
    created_at: formatTs(d.createdAt),
    updated_at: formatTs(d.updatedAt),
    deleted_at: formatNullableTs(d.deletedAt),
  };
}

export function promoCodeRecord(p: PromoCode): Record<string, unknown> {
  return {
    id: p.id,
    is_active: p.isActive,
    type: 0,
    discount_id: p.discountId,
    code: p.code,
    max_uses_count: p.maxUsesCount,
    active_from: formatNullableTs(p.activeFrom),
    active_to: formatNullableTs(p.activeTo),
    created_at: formatTs(p.createdAt),
    updated_at: formatTs(p.updatedAt),
    deleted_at: formatNullableTs(p.deletedAt),
  };
}

export const colorThemeRecord = (c: ColorTheme): Record<string, unknown> => ({ id: c.id, color: c.color });

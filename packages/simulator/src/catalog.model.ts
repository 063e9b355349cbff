import { CITIES, type City, COLOR_THEMES, type EventKind, FRACTIONAL_PRICES_KOP, KIND_PREFIX, TITLES, VENUES, WHOLE_PRICES_KOP } from './catalog.data.ts';
import { buildDiscounts } from './catalog.discounts.ts';
import type { Basket } from './orders.model.ts';
import { createRng, type Rng } from './random.ts';
import { DAY, HOUR, MINUTE } from './time.ts';

/** The tenant's catalogue: events with shows (seated halls and admission zones), prices, discounts, promo codes. */

export type Price = { id: number; kop: number; colorTheme: number };

export type Zone = {
  key: string;
  name: string;
  description: string | null;
  admission: boolean;
  rows: number;
  places: number;
  /** Seats (seated) or max_quantity (admission). */
  capacity: number;
  /** Price id per row (index row-1); admission zones have one entry. */
  rowPriceIds: number[];
  /** Offset of this zone's seats in the show's seat arrays (seated zones only). */
  seatOffset: number;
  /** Whether scheme_properties.seats carries the real max_quantity ("" otherwise, Q17). */
  schemeMaxQuantity: boolean;
};

export type Show = {
  id: number;
  eventId: number;
  name: string;
  isActive: number;
  startAt: number;
  finishAt: number;
  openAt: number;
  saleStartAt: number | null;
  saleFinishAt: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
  /** Orders may be placed in [sellFrom, saleFinishAt). */
  sellFrom: number;
  zones: Zone[];
  prices: Price[];
  minMaxPriceNull: boolean;
  hasSeatsBlock: boolean;
  /** Seated seats: the instant the current holder lets go (0 = never held, Infinity = held for good). */
  seatRelease: Float64Array;
  /** Admission zones: tickets ever allocated (a conservative capacity check). */
  admissionUsed: number[];
  /** Seated zones: seats sold for good (paid, never refunded) — a zone with none left is skipped quickly. */
  soldForGood: number[];
  /** Every basket placed on this show, in creation order. */
  baskets: Basket[];
};

export type Event = {
  id: number;
  kind: EventKind;
  isActive: number;
  name: string;
  schemeId: number;
  venue: { name: string; address: string };
  city: City;
  description: string;
  slug: string;
  age: string;
  posterId: number;
  shows: Show[];
  popularity: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
};

export type Discount = {
  id: number;
  isActive: number;
  name: string;
  percent: number;
  activeFrom: number | null;
  activeTo: number | null;
  eventIds: number[];
  showIds: number[];
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
};

export type PromoCode = {
  id: number;
  isActive: number;
  discountId: number;
  code: string;
  maxUsesCount: number;
  activeFrom: number | null;
  activeTo: number | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
};

export type Catalog = {
  events: Event[];
  shows: Show[];
  showById: Map<number, Show>;
  eventById: Map<number, Event>;
  discounts: Discount[];
  /** In the API's default order: grouped by discount_id ascending, ids shuffled inside a group (Q23). */
  promoCodes: PromoCode[];
  /** The last ids handed out (the rolling catalogue continues them). */
  ids: CatalogIds;
};

export type CatalogIds = { event: number; show: number; price: number; scheme: number; poster: number };

export type CatalogOptions = { seed: number; now: number; historyDays: number; events: number; expectedTickets: number; bigHallSeats?: number };

const SLUGS = ['robo', 'skazka', 'jazz', 'blues', 'more', 'sonata', 'zoo', 'okean', 'dino', 'kino', 'golosa', 'les', 'electro', 'kvartet', 'illuzii', 'kosmos'];

export function buildCatalog(o: CatalogOptions): Catalog {
  const rng = createRng(o.seed * 7919 + 17);
  const historyStart = o.now - o.historyDays * DAY;
  const deletedSlots = o.events >= 10 ? new Set([1, 7]) : new Set<number>();
  const liveShows = Math.max(1, o.events - deletedSlots.size) * 2;
  // Admission zones are sized so that even a popular show never runs out over the history plus a long advance.
  const admissionCapacity = Math.max(300, Math.ceil((o.expectedTickets * 8) / liveShows / 10) * 10);
  const ids: CatalogIds = { event: 90300, show: 609900, price: 769000, scheme: 15600, poster: 120400 };
  const events: Event[] = [];
  for (let i = 0; i < o.events; i++) {
    const deleted = deletedSlots.has(i);
    const kind: EventKind = i === 0 || i === 4 ? 'exhibition' : rng.pick<EventKind>(['hall', 'hall', 'theatre', 'club', 'masterclass', 'exhibition']);
    const event = buildEvent(rng, ids, i, kind, deleted, () => historyStart - rng.int(20, 60) * DAY + rng.int(0, DAY));
    const showCount = kind === 'exhibition' ? rng.int(1, 2) : rng.int(1, 3);
    for (let s = 0; s < showCount; s++) {
      const show = buildShow(rng, ids, event, s, { historyStart, now: o.now, deleted, admissionCapacity });
      event.shows.push(show);
      event.updatedAt = Math.max(event.updatedAt, show.updatedAt);
    }
    if (deleted) {
      event.deletedAt = historyStart - rng.int(1, 9) * DAY;
      event.updatedAt = event.deletedAt;
      for (const show of event.shows) show.updatedAt = event.deletedAt;
    }
    events.push(event);
  }
  if (o.bigHallSeats) events.push(bigHall(rng, ids, events.length, o.bigHallSeats, historyStart, o.now, admissionCapacity));
  const shows = events.flatMap((e) => e.shows);
  const { discounts, promoCodes } = buildDiscounts(rng, events, historyStart, o.now);
  return {
    events,
    shows,
    showById: new Map(shows.map((s) => [s.id, s])),
    eventById: new Map(events.map((e) => [e.id, e])),
    discounts,
    promoCodes,
    ids,
  };
}

/** Event number `i` of the catalogue (its name and slug follow i); `createdAt` is drawn in its place in the sequence. */
export function buildEvent(rng: Rng, ids: CatalogIds, i: number, kind: EventKind, deleted: boolean, createdAt: () => number): Event {
  ids.event += rng.int(3, 40);
  const city = rng.pick(CITIES);
  const title = TITLES[i % TITLES.length] as string;
  const created = createdAt();
  ids.scheme += rng.int(1, 30);
  const venue = rng.pick(VENUES);
  const description = rng.chance(0.5) ? `${KIND_PREFIX[kind]} для всей семьи.\r\nБилеты — на сайте.` : '';
  const age = rng.pick(['0+', '6+', '12+', '16+', '18+']);
  ids.poster += rng.int(1, 90);
  return {
    id: ids.event,
    kind,
    isActive: deleted ? 0 : 1,
    name: `${KIND_PREFIX[kind]} «${title}»${i >= TITLES.length ? ` ${Math.floor(i / TITLES.length) + 1}` : ''}`,
    schemeId: ids.scheme,
    venue,
    city,
    description,
    slug: `${SLUGS[i % SLUGS.length]}-${i + 1}`,
    age,
    posterId: ids.poster,
    shows: [],
    popularity: 0.3 + rng.next() * 2,
    createdAt: created,
    updatedAt: created,
    deletedAt: null,
  };
}

/** The big hall (SimulatorOptions.bigHallSeats): one show that started 20 minutes ago, `seats` seats, on sale all along. */
function bigHall(rng: Rng, ids: CatalogIds, i: number, seats: number, historyStart: number, now: number, cap: number): Event {
  const createdAt = historyStart - 30 * DAY;
  const event = buildEvent(rng, ids, i, 'hall', false, () => createdAt);
  event.popularity = 1_000;
  const startAt = now - 20 * MINUTE;
  const zones = [seated('PARTERRE', 'Партер', Math.ceil(seats / 100), 100)];
  const show = assembleShow(rng, ids, event, 0, { startAt, finishAt: startAt + 3 * HOUR, saleFinishAt: startAt, createdAt, zones }, false, cap);
  event.shows.push(show);
  event.updatedAt = Math.max(event.updatedAt, show.updatedAt);
  return event;
}

type ShowContext = { historyStart: number; now: number; deleted: boolean; admissionCapacity: number };

function buildShow(rng: Rng, ids: CatalogIds, event: Event, index: number, c: ShowContext): Show {
  let startAt: number;
  let finishAt: number;
  let saleFinishAt: number;
  if (c.deleted) {
    startAt = c.historyStart - rng.int(10, 40) * DAY + 19 * HOUR;
    finishAt = startAt + 2 * HOUR;
    saleFinishAt = startAt;
  } else if (event.kind === 'exhibition') {
    startAt = c.historyStart - rng.int(5, 15) * DAY;
    startAt -= startAt % DAY; // 03:00 Moscow
    finishAt = c.now + rng.int(200, 400) * DAY;
    saleFinishAt = finishAt - HOUR;
  } else {
    const from = c.historyStart + 2 * DAY;
    const to = c.now + 45 * DAY;
    const day = from + Math.floor(rng.next() * ((to - from) / DAY)) * DAY;
    startAt = day - (day % DAY) + rng.pick([9, 12, 15, 16, 17]) * HOUR; // 12:00–20:00 Moscow
    finishAt = startAt + rng.int(3, 6) * 30 * MINUTE;
    saleFinishAt = startAt;
  }
  const createdAt = Math.min(c.historyStart - rng.int(1, 20) * DAY, startAt - 30 * DAY) + rng.int(0, DAY);
  return assembleShow(rng, ids, event, index, { startAt, finishAt, saleFinishAt, createdAt }, c.deleted, c.admissionCapacity);
}

/** `zones`: the show's own (the big hall), instead of ones drawn for its kind. */
export type ShowDates = { startAt: number; finishAt: number; saleFinishAt: number; createdAt: number; zones?: Zone[] };

/** A show on the given dates: zones, prices and the remaining attributes drawn from rng. On sale from createdAt + 1 h. */
export function assembleShow(rng: Rng, ids: CatalogIds, event: Event, index: number, d: ShowDates, deleted: boolean, admissionCapacity: number): Show {
  const { startAt, finishAt, saleFinishAt, createdAt } = d;
  const zones = d.zones ?? buildZones(rng, event.kind, admissionCapacity);
  const prices: Price[] = [];
  const zonePrices = zones.map((z) => {
    const tiers = z.admission ? 1 : Math.min(3, Math.max(1, Math.floor(z.rows / 4)));
    const base = rng.chance(0.25) ? rng.pick(FRACTIONAL_PRICES_KOP) : rng.pick(WHOLE_PRICES_KOP);
    const tierIds: number[] = [];
    for (let t = 0; t < tiers; t++) {
      ids.price += rng.int(1, 3);
      const kop = t === 0 ? base : Math.max(30000, Math.round((base * (10 - 2 * t)) / 1000) * 100);
      prices.push({ id: ids.price, kop, colorTheme: rng.pick(COLOR_THEMES).id });
      tierIds.push(ids.price);
    }
    return tierIds;
  });
  let seatOffset = 0;
  zones.forEach((z, zi) => {
    const tierIds = zonePrices[zi] as number[];
    z.rowPriceIds = Array.from({ length: z.rows }, (_, r) => tierIds[Math.min(tierIds.length - 1, Math.floor((r * tierIds.length) / z.rows))] as number);
    if (!z.admission) {
      z.seatOffset = seatOffset;
      seatOffset += z.capacity;
    }
  });
  ids.show += rng.int(1, 12);
  return {
    id: ids.show,
    eventId: event.id,
    name: event.kind === 'exhibition' ? (index === 0 ? 'Будни' : 'Выходные') : rng.chance(0.7) ? '' : `Сеанс ${index + 1}`,
    isActive: deleted ? 0 : 1,
    startAt,
    finishAt,
    openAt: event.kind === 'exhibition' ? startAt : startAt - HOUR,
    saleStartAt: rng.chance(0.7) ? null : createdAt + HOUR,
    saleFinishAt,
    createdAt,
    updatedAt: createdAt + rng.int(0, 5) * DAY,
    deletedAt: null,
    sellFrom: createdAt + HOUR,
    zones,
    prices,
    minMaxPriceNull: rng.chance(0.2),
    hasSeatsBlock: rng.chance(0.8),
    seatRelease: new Float64Array(seatOffset),
    admissionUsed: zones.map(() => 0),
    soldForGood: zones.map(() => 0),
    baskets: [],
  };
}

function seated(key: string, name: string, rows: number, places: number): Zone {
  return { key, name, description: null, admission: false, rows, places, capacity: rows * places, rowPriceIds: [], seatOffset: 0, schemeMaxQuantity: false };
}

function admission(rng: Rng, key: string, name: string, description: string | null, capacity: number): Zone {
  return { key, name, description, admission: true, rows: 1, places: 1, capacity, rowPriceIds: [], seatOffset: 0, schemeMaxQuantity: rng.chance(0.7) };
}

function buildZones(rng: Rng, kind: EventKind, cap: number): Zone[] {
  switch (kind) {
    case 'exhibition':
      return [
        admission(rng, 'vzroslyj-bilet', 'Взрослый билет', 'Вход на выставку в течение дня', cap * 2),
        admission(rng, 'detskij-bilet', 'Детский билет', 'Для детей от 3 до 12 лет', cap),
      ];
    case 'hall': {
      const zones = [seated('PARTERRE', 'Партер', rng.int(12, 24), rng.int(20, 32)), seated('BALCONY', 'Балкон', rng.int(3, 6), rng.int(16, 24))];
      if (rng.chance(0.6)) zones.push(admission(rng, 'VHODNOJ', 'Входной билет (без места)', 'Стоячие места у сцены', cap));
      return zones;
    }
    case 'theatre':
      return [seated('PARTER', 'Партер', rng.int(10, 18), rng.int(18, 28)), seated('AMFITEATR', 'Амфитеатр', rng.int(4, 8), rng.int(20, 30))];
    case 'club':
      return [admission(rng, 'tancpol', 'Танцпол', null, cap), seated('VIP', 'VIP-ложа', 2, 10)];
    case 'masterclass':
      return [admission(rng, 'uchastnik', 'Участник', 'Материалы включены', Math.max(100, Math.floor(cap / 2)))];
  }
}

/** A seat's price id. */
export function seatPriceId(zone: Zone, row: number): number {
  return zone.rowPriceIds[Math.min(zone.rowPriceIds.length - 1, row - 1)] as number;
}

export function priceKop(show: Show, priceId: number): number {
  const p = show.prices.find((x) => x.id === priceId);
  if (!p) throw new Error(`price ${priceId} not on show ${show.id}`);
  return p.kop;
}

/** Total places of a show: seats of seated zones plus max_quantity of admission zones. */
export function showCapacity(show: Show): number {
  return show.zones.reduce((n, z) => n + z.capacity, 0);
}

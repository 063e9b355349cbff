import type { CatalogueChurn, ColorTheme, Entry, Version } from './catalog.churn.ts';
import type { Discount, Event, PromoCode } from './catalog.model.ts';
import { createRng, hash32, type Rng } from './random.ts';
import { DAY, HOUR } from './time.ts';

/**
 * One day of catalogue changes (see catalog.churn.ts). Each kind of change happens with its own daily chance, at a
 * seeded instant of the day; the changes are applied in time order. A change picks its target among the records that
 * allow it at that instant, and does nothing when there is none.
 */

type Op =
  | 'discount.add'
  | 'discount.change'
  | 'discount.delete'
  | 'discount.remove'
  | 'promo.add'
  | 'promo.change'
  | 'promo.delete'
  | 'promo.remove'
  | 'theme.add'
  | 'theme.change'
  | 'theme.remove';

/** Daily chance of each kind of change. */
const DAILY: readonly [Op, number][] = [
  ['discount.add', 0.5],
  ['discount.change', 0.6],
  ['discount.delete', 0.3],
  ['discount.remove', 0.2],
  ['promo.add', 0.6],
  ['promo.change', 0.6],
  ['promo.delete', 0.35],
  ['promo.remove', 0.25],
  ['theme.add', 0.15],
  ['theme.change', 0.15],
  ['theme.remove', 0.1],
];

const PERCENTS = [5, 10, 15, 20, 25, 30, 50] as const;
const CAMPAIGNS = ['Чёрная пятница', 'Студенческая', 'Пенсионная', 'Семейная', 'Корпоративная', 'Именинникам', 'Весенняя', 'Друзьям клуба'] as const;
const TAGS = ['обновлено', 'продлено', 'новые условия', 'для своих'] as const;

export function generateStep(churn: CatalogueChurn, k: number): void {
  const rng = createRng(hash32(churn.seed, k, 0xc4a7));
  const from = churn.start + k * DAY;
  const ops = DAILY.flatMap(([op, p]) => (rng.chance(p) ? [{ op, at: from + rng.int(1, DAY - 1) }] : []));
  ops.sort((a, b) => a.at - b.at);
  for (const { op, at } of ops) apply(churn, rng, op, at);
}

function apply(c: CatalogueChurn, rng: Rng, op: Op, at: number): void {
  switch (op) {
    case 'discount.add':
      addDiscount(c, rng, at);
      return;
    case 'discount.change':
      changeDiscount(c, rng, at);
      return;
    case 'discount.delete': {
      const d = pickOr(
        rng,
        c.discounts.live(at).filter((x) => x.deletedAt === null && c.discountRestrictable(x.id, at)),
      );
      if (!d) return;
      c.discounts.change(d.id, at, { ...d, deletedAt: at, updatedAt: at });
      // its promo codes go with it
      for (const p of c.promoCodes.live(at))
        if (p.discountId === d.id && p.deletedAt === null) c.promoCodes.change(p.id, at, { ...p, deletedAt: at, updatedAt: at });
      return;
    }
    case 'discount.remove': {
      const d = pickOr(
        rng,
        c.discounts.live(at).filter((x) => c.discountRestrictable(x.id, at)),
      );
      if (!d) return;
      c.discounts.change(d.id, at, null);
      for (const p of c.promoCodes.live(at)) if (p.discountId === d.id) c.promoCodes.change(p.id, at, null);
      return;
    }
    case 'promo.add': {
      const d = pickOr(
        rng,
        c.discounts.live(at).filter((x) => x.deletedAt === null),
      );
      if (d) addPromo(c, rng, d, at);
      return;
    }
    case 'promo.change':
      changePromo(c, rng, at);
      return;
    case 'promo.delete': {
      const p = pickOr(
        rng,
        c.promoCodes.live(at).filter((x) => x.deletedAt === null && c.promoRestrictable(x, at)),
      );
      if (p) c.promoCodes.change(p.id, at, { ...p, deletedAt: at, updatedAt: at });
      return;
    }
    case 'promo.remove': {
      const p = pickOr(
        rng,
        c.promoCodes.live(at).filter((x) => c.promoRestrictable(x, at)),
      );
      if (p) c.promoCodes.change(p.id, at, null);
      return;
    }
    case 'theme.add': {
      c.ids.theme += rng.int(1, 6);
      const theme: ColorTheme = { id: c.ids.theme, color: randomColor(rng) };
      c.colorThemes.add({ id: theme.id, createdAt: at, born: 'churn', versions: [{ at, rec: theme }] });
      return;
    }
    case 'theme.change': {
      const theme = pickOr(rng, c.colorThemes.live(at));
      if (theme) c.colorThemes.change(theme.id, at, { ...theme, color: randomColor(rng) });
      return;
    }
    case 'theme.remove': {
      const theme = pickOr(
        rng,
        c.colorThemes.live(at).filter((x) => c.colorThemes.byId.get(x.id)?.born === 'churn'),
      );
      if (theme) c.colorThemes.change(theme.id, at, null);
      return;
    }
  }
}

/** A new discount (global or for an event on sale), created with 1–3 promo codes. Orders never use it. */
function addDiscount(c: CatalogueChurn, rng: Rng, at: number): void {
  const percent = rng.pick(PERCENTS);
  const events = c.catalog.events.filter((e) => e.createdAt <= at && e.deletedAt === null && e.shows.some((s) => s.saleFinishAt > at));
  const event: Event | null = events.length > 0 && rng.chance(0.5) ? rng.pick(events) : null;
  const show = event && event.shows.length > 1 && rng.chance(0.3) ? rng.pick(event.shows.filter((s) => s.saleFinishAt > at)) : undefined;
  c.ids.discount += rng.int(20, 400);
  const d: Discount = {
    id: c.ids.discount,
    isActive: 1,
    name: event ? `Акция ${percent}% — ${event.name}` : `${rng.pick(CAMPAIGNS)} ${percent}%`,
    percent,
    activeFrom: rng.chance(0.5) ? null : at,
    activeTo: rng.chance(0.5) ? null : at + rng.int(7, 60) * DAY,
    eventIds: event ? [event.id] : [],
    showIds: show ? [show.id] : [],
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
  c.discounts.add({ id: d.id, createdAt: at, born: 'churn', versions: [{ at, rec: d }] });
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) addPromo(c, rng, d, at);
}

function addPromo(c: CatalogueChurn, rng: Rng, d: Discount, at: number): void {
  c.ids.promo += rng.int(1, 300);
  const id = c.ids.promo;
  const p: PromoCode = {
    id,
    isActive: 1,
    discountId: d.id,
    code: `${d.percent === 100 ? 'INVITE' : `PROMO${d.percent}`}-${id.toString(36).toUpperCase()}`,
    maxUsesCount: rng.chance(0.8) ? 0 : 1,
    activeFrom: null,
    activeTo: d.activeTo,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
  };
  // grouped by discount_id ascending, at a seeded place inside its group (Q23)
  const entries = c.promoCodes.entries;
  const rid = (i: number) => ((entries[i] as Entry<PromoCode>).versions[0] as Version<PromoCode>).rec?.discountId ?? 0; // never changes
  let lo = 0;
  while (lo < entries.length && rid(lo) < d.id) lo++;
  let hi = lo;
  while (hi < entries.length && rid(hi) === d.id) hi++;
  c.promoCodes.add({ id, createdAt: at, born: 'churn', versions: [{ at, rec: p }] }, lo + rng.int(0, hi - lo));
}

type Change<T> = (x: T) => T;

function changeDiscount(c: CatalogueChurn, rng: Rng, at: number): void {
  const options = (d: Discount): Change<Discount>[] => {
    const out: Change<Discount>[] = [(x) => ({ ...x, name: `${x.name.replace(/ \([^)]*\)$/, '')} (${rng.pick(TAGS)})` })];
    if (d.activeTo !== null) out.push((x) => ({ ...x, activeTo: Math.max(x.activeTo ?? at, at) + rng.int(7, 30) * DAY }));
    if (c.discountRestrictable(d.id, at)) {
      out.push((x) => {
        const percent = rng.pick(PERCENTS);
        return { ...x, percent, name: x.name.replace(/\d+%/, `${percent}%`) };
      });
      out.push((x) => ({ ...x, activeFrom: rng.chance(0.5) ? null : at - rng.int(0, 5) * DAY, activeTo: at + rng.int(1, 45) * DAY }));
      out.push((x) => ({ ...x, isActive: x.isActive === 1 ? 0 : 1 }));
    }
    return out;
  };
  const d = pickOr(
    rng,
    c.discounts.live(at).filter((x) => x.deletedAt === null),
  );
  if (!d) return;
  const change = rng.pick(options(d));
  c.discounts.change(d.id, at, { ...change(d), updatedAt: at });
}

function changePromo(c: CatalogueChurn, rng: Rng, at: number): void {
  const options = (p: PromoCode): Change<PromoCode>[] => {
    const out: Change<PromoCode>[] = [];
    if (p.activeTo !== null) out.push((x) => ({ ...x, activeTo: Math.max(x.activeTo ?? at, at) + rng.int(7, 30) * DAY }));
    if (p.maxUsesCount === 1) out.push((x) => ({ ...x, maxUsesCount: 0 }));
    if (c.promoRestrictable(p, at)) {
      out.push((x) => ({ ...x, code: `${x.code.replace(/-[A-Z0-9]+$/, '')}-${(x.id + at).toString(36).toUpperCase()}` }));
      out.push((x) => ({ ...x, maxUsesCount: rng.pick([0, 1, 5, 100]) }));
      out.push((x) => ({ ...x, activeTo: at + rng.int(1, 30) * DAY + rng.int(0, 23) * HOUR }));
      out.push((x) => ({ ...x, isActive: x.isActive === 1 ? 0 : 1 }));
    }
    return out;
  };
  const live = new Set(c.discounts.live(at).flatMap((d) => (d.deletedAt === null ? [d.id] : [])));
  const p = pickOr(
    rng,
    c.promoCodes.live(at).filter((x) => x.deletedAt === null && live.has(x.discountId) && options(x).length > 0),
  );
  if (!p) return;
  const change = rng.pick(options(p));
  c.promoCodes.change(p.id, at, { ...change(p), updatedAt: at });
}

const pickOr = <T>(rng: Rng, items: readonly T[]): T | undefined => (items.length === 0 ? undefined : rng.pick(items));

const randomColor = (rng: Rng): string => `#${rng.int(0, 0xffffff).toString(16).padStart(6, '0')}`;

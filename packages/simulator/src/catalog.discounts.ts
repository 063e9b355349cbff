import type { Catalog, Discount, Event, PromoCode } from './catalog.model.ts';
import type { Rng } from './random.ts';
import { DAY, HOUR } from './time.ts';

/** Discounts (event-, show-scoped and global) and their promo codes; which of them an order may use. */

export function buildDiscounts(rng: Rng, events: Event[], historyStart: number, now: number): { discounts: Discount[]; promoCodes: PromoCode[] } {
  const discounts: Discount[] = [];
  const live = events.filter((e) => e.deletedAt === null);
  const deleted = events.find((e) => e.deletedAt !== null);
  let id = 40100;
  const add = (name: string, percent: number, eventIds: number[], showIds: number[], extra: Partial<Discount> = {}): void => {
    id += rng.int(20, 400);
    const createdAt = historyStart - rng.int(2, 30) * DAY + rng.int(0, DAY);
    discounts.push({
      id,
      isActive: 1,
      name,
      percent,
      activeFrom: null,
      activeTo: null,
      eventIds,
      showIds,
      createdAt,
      updatedAt: createdAt,
      deletedAt: null,
      ...extra,
    });
  };
  if (deleted) {
    const del = deleted.deletedAt ?? historyStart;
    add(`Ранняя пташка 20% — ${deleted.name}`, 20, [deleted.id], [], { isActive: 0, activeTo: del - 5 * DAY, updatedAt: del, deletedAt: del });
  }
  for (const [i, e] of live.slice(0, 4).entries()) {
    const percent = [10, 15, 20, 25][i] as number;
    const show = e.shows[0];
    const showScoped = i === 1 && show !== undefined;
    add(`Скидка ${percent}% — ${e.name}`, percent, [e.id], showScoped ? [show.id] : [], { activeTo: rng.chance(0.5) ? now + 90 * DAY : null });
  }
  add('Пригласительные 100%', 100, [], []);
  add('Блогеры 15%', 15, [], [], { activeFrom: historyStart - DAY });
  const promoCodes: PromoCode[] = [];
  let pid = 903000;
  for (const d of discounts) {
    const group: PromoCode[] = [];
    const n = rng.int(2, 6);
    for (let k = 0; k < n; k++) {
      pid += rng.int(1, 300);
      const createdAt = d.createdAt + rng.int(60, 3 * HOUR);
      const code = `${d.percent === 100 ? 'INVITE' : `PROMO${d.percent}`}-${pid.toString(36).toUpperCase()}`;
      group.push({
        id: pid,
        isActive: d.isActive === 0 || rng.chance(0.1) ? 0 : 1,
        discountId: d.id,
        code,
        maxUsesCount: d.percent === 100 ? 1 : rng.chance(0.8) ? 0 : 1,
        activeFrom: null,
        activeTo: d.activeTo,
        createdAt,
        updatedAt: d.deletedAt ?? createdAt,
        deletedAt: d.deletedAt,
      });
    }
    // grouped by discount_id, no stable order inside a group (Q23): a seeded shuffle
    for (let k = group.length - 1; k > 0; k--) {
      const j = rng.int(0, k);
      [group[k], group[j]] = [group[j] as PromoCode, group[k] as PromoCode];
    }
    promoCodes.push(...group);
  }
  return { discounts, promoCodes };
}

/** Discounts usable for an order on `event` at instant t, with their live promo codes. */
export function applicableDiscounts(catalog: Catalog, event: Event, t: number): Discount[] {
  return catalog.discounts.filter(
    (d) =>
      d.isActive === 1 &&
      d.deletedAt === null &&
      (d.activeFrom === null || d.activeFrom <= t) &&
      (d.activeTo === null || d.activeTo > t) &&
      (d.eventIds.length === 0 || d.eventIds.includes(event.id)),
  );
}

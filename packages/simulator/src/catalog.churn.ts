import { generateStep } from './catalog.churn-ops.ts';
import { COLOR_THEMES } from './catalog.data.ts';
import type { Catalog, Discount, PromoCode } from './catalog.model.ts';
import { DAY } from './time.ts';

/**
 * Discounts, promo codes and colour themes as they change with the clock (contract §5.7–§5.9, §7.7, §7.8).
 * Every record keeps its versions: a version is the record as it reads from an instant on, or `null` from the instant
 * it is removed outright (it vanishes from the list). Step k (one simulated day from the start `now`) adds, edits,
 * soft-deletes and removes a few records at seeded instants strictly after the start, so the catalogue at the start
 * is the one the orders were generated from. Steps are generated in order (k = 0, 1, …) and depend only on the seed,
 * k and the records left by step k − 1, so the catalogue is the same however the clock gets there.
 *
 * Orders never see this layer: they keep using the initial discounts and promo codes (order generation is unchanged),
 * and an initial record is only soft-deleted, deactivated, narrowed or removed once no order can use it any more
 * (see `baseUsableUntil`), so an order never references a discount or promo code that was unusable when it was made.
 */

export type ColorTheme = { id: number; color: string };

export type Version<T> = { at: number; rec: T | null };

export type Entry<T> = { id: number; createdAt: number; born: 'base' | 'churn'; versions: Version<T>[] };

export type StreamTruth = { listed: number[]; deleted: number[]; vanished: number[] };

export const CHURN_STEP = DAY;

/** One stream's records in the API's default order, with their versions. */
export class ChurnStream<T extends { id: number }> {
  readonly entries: Entry<T>[] = [];
  readonly byId = new Map<number, Entry<T>>();

  add(entry: Entry<T>, index = this.entries.length): void {
    this.entries.splice(index, 0, entry);
    this.byId.set(entry.id, entry);
  }

  /** The latest version of an entry (what the next change starts from). */
  latest(e: Entry<T>): T | null {
    return (e.versions[e.versions.length - 1] as Version<T>).rec;
  }

  /** The record at instant t: undefined before it is created, null once removed. */
  at(e: Entry<T>, t: number): T | null | undefined {
    if (e.createdAt > t) return undefined;
    let found: T | null | undefined;
    for (const v of e.versions) {
      if (v.at > t) break;
      found = v.rec;
    }
    return found;
  }

  /** Records listed at instant t, in list order. */
  listed(t: number): T[] {
    const out: T[] = [];
    for (const e of this.entries) {
      const rec = this.at(e, t);
      if (rec) out.push(rec);
    }
    return out;
  }

  /** Records alive after every change generated so far (created at or before t), in list order. */
  live(t: number): T[] {
    const out: T[] = [];
    for (const e of this.entries) {
      const rec = e.createdAt <= t ? this.latest(e) : null;
      if (rec) out.push(rec);
    }
    return out;
  }

  change(id: number, at: number, rec: T | null): void {
    const e = this.byId.get(id);
    if (!e) throw new Error(`no record ${id}`);
    e.versions.push({ at, rec });
  }

  truth(t: number, deletedAt: (rec: T) => number | null): StreamTruth {
    const listed: number[] = [];
    const deleted: number[] = [];
    const vanished: number[] = [];
    for (const e of this.entries) {
      const rec = this.at(e, t);
      if (rec === undefined) continue;
      if (rec === null) vanished.push(e.id);
      else {
        listed.push(e.id);
        if (deletedAt(rec) !== null) deleted.push(e.id);
      }
    }
    const asc = (a: number, b: number) => a - b;
    return { listed: listed.sort(asc), deleted: deleted.sort(asc), vanished: vanished.sort(asc) };
  }
}

export type ChurnIds = { discount: number; promo: number; theme: number };

export class CatalogueChurn {
  readonly discounts = new ChurnStream<Discount>();
  readonly promoCodes = new ChurnStream<PromoCode>();
  readonly colorThemes = new ChurnStream<ColorTheme>();
  readonly catalog: Catalog;
  readonly seed: number;
  readonly start: number;
  /** Initial discounts: the last instant an order may use them (−∞ = never, +∞ = always). */
  readonly baseUsableUntil = new Map<number, number>();
  /** Initial promo codes that no order can ever use (inactive or deleted from the start). */
  readonly baseUnusablePromos = new Set<number>();
  readonly ids: ChurnIds;
  private steps = 0;

  constructor(catalog: Catalog, seed: number, start: number) {
    this.catalog = catalog;
    this.seed = seed;
    this.start = start;
    for (const d of catalog.discounts) {
      this.discounts.add({ id: d.id, createdAt: d.createdAt, born: 'base', versions: [{ at: Number.NEGATIVE_INFINITY, rec: d }] });
      this.baseUsableUntil.set(d.id, usableUntil(catalog, d));
    }
    for (const p of catalog.promoCodes) {
      this.promoCodes.add({ id: p.id, createdAt: p.createdAt, born: 'base', versions: [{ at: Number.NEGATIVE_INFINITY, rec: p }] });
      if (p.isActive !== 1 || p.deletedAt !== null) this.baseUnusablePromos.add(p.id);
    }
    for (const c of COLOR_THEMES) {
      this.colorThemes.add({ id: c.id, createdAt: Number.NEGATIVE_INFINITY, born: 'base', versions: [{ at: Number.NEGATIVE_INFINITY, rec: { ...c } }] });
    }
    this.ids = {
      discount: Math.max(0, ...catalog.discounts.map((d) => d.id)),
      promo: Math.max(0, ...catalog.promoCodes.map((p) => p.id)),
      theme: Math.max(0, ...COLOR_THEMES.map((c) => c.id)),
    };
  }

  /** Generates every step that has started by instant t. */
  extendTo(t: number): void {
    while (this.start + this.steps * CHURN_STEP <= t) generateStep(this, this.steps++);
  }

  /** Whether a discount may be narrowed, deactivated, soft-deleted or removed at instant t without contradicting an order. */
  discountRestrictable(id: number, t: number): boolean {
    const until = this.baseUsableUntil.get(id);
    return until === undefined || until <= t;
  }

  promoRestrictable(p: PromoCode, t: number): boolean {
    if ((this.promoCodes.byId.get(p.id) as Entry<PromoCode>).born === 'churn' || this.baseUnusablePromos.has(p.id)) return true;
    return this.discountRestrictable(p.discountId, t);
  }

  truth(t: number): { discounts: StreamTruth; promo_codes: StreamTruth; color_themes: StreamTruth } {
    return {
      discounts: this.discounts.truth(t, (d) => d.deletedAt),
      promo_codes: this.promoCodes.truth(t, (p) => p.deletedAt),
      color_themes: this.colorThemes.truth(t, () => null),
    };
  }
}

/**
 * The last instant an order may pick an initial discount (orders check is_active, deleted_at, the active window and,
 * for event-scoped discounts, that one of the events' shows is on sale).
 */
function usableUntil(catalog: Catalog, d: Discount): number {
  if (d.isActive !== 1 || d.deletedAt !== null) return Number.NEGATIVE_INFINITY;
  let until = d.activeTo ?? Number.POSITIVE_INFINITY;
  if (d.eventIds.length > 0) {
    let lastSale = Number.NEGATIVE_INFINITY;
    for (const id of d.eventIds) for (const s of catalog.eventById.get(id)?.shows ?? []) lastSale = Math.max(lastSale, s.saleFinishAt);
    until = Math.min(until, lastSale);
  }
  return until;
}

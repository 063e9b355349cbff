import { afterAll, describe, expect, it } from 'vitest';
import type { Entry } from '../src/catalog.churn.ts';
import type { Discount, PromoCode } from '../src/catalog.model.ts';
import { type CatalogueStreamTruth, createWorld, type Simulator } from '../src/index.ts';
import { api, call, simulatorPool, TS, walk } from './http-helpers.ts';

/**
 * Discounts, promo codes and colour themes change with the clock: records are added, edited (updated_at moves),
 * soft-deleted (deleted_at) and removed outright. truth().catalogue lists, per stream, the ids listed now, the listed
 * ones soft-deleted, and those that vanished. Everything here is checked through the API.
 */

type Row = Record<string, unknown>;
const DAY = 86_400_000;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

const asc = (ids: number[]) => [...ids].sort((a, b) => a - b);

async function lists(sim: Simulator): Promise<{ discounts: Row[]; promo_codes: Row[]; color_themes: Row[] }> {
  const themes = (await api(sim, '/color-themes')).json as { data: Row[] };
  return { discounts: (await walk(sim, '/discounts')).rows, promo_codes: (await walk(sim, '/promo-codes')).rows, color_themes: themes.data };
}

/** What the truth must say about one stream, from its rows and the ids seen on earlier walks. */
function expectStreamTruth(truth: CatalogueStreamTruth, rows: Row[], seenBefore: Set<number>, hasDeletedAt: boolean): void {
  const ids = rows.map((r) => r.id as number);
  expect(new Set(ids).size).toBe(ids.length);
  expect(truth.listed).toEqual(asc(ids));
  expect(truth.deleted).toEqual(hasDeletedAt ? asc(rows.filter((r) => r.deleted_at !== null).map((r) => r.id as number)) : []);
  const listed = new Set(ids);
  for (const id of seenBefore) if (!listed.has(id)) expect(truth.vanished, `id ${id} vanished`).toContain(id);
  for (const id of truth.vanished) expect(listed.has(id)).toBe(false);
}

describe('catalogue streams change with the clock', () => {
  it('adds, edits, soft-deletes and removes discounts, promo codes and colour themes; the truth follows the lists', async () => {
    const sim = await start({ seed: 61, orders: 1_500, historyDays: 10, events: 24 });
    const startNow = Date.parse(sim.now());
    let prev = await lists(sim);
    const first = prev;
    const initial = sim.truth().catalogue;
    expect(initial.discounts.vanished).toEqual([]);
    expect(initial.promo_codes.vanished).toEqual([]);
    expect(initial.discounts.deleted.length).toBeGreaterThan(0); // the catalogue starts with a soft-deleted discount
    const seen = { discounts: new Set<number>(), promo_codes: new Set<number>(), color_themes: new Set<number>() };
    const happened = { added: new Set<string>(), changed: new Set<string>(), softDeleted: new Set<string>(), vanished: new Set<string>() };
    for (let step = 0; step <= 12; step++) {
      if (step > 0) sim.advance(5 * DAY);
      const now = await lists(sim);
      const truth = sim.truth().catalogue;
      expect((await call(`${sim.url}/__sim/truth`)).json).toMatchObject({ catalogue: truth });
      for (const stream of ['discounts', 'promo_codes', 'color_themes'] as const) {
        expectStreamTruth(truth[stream], now[stream], seen[stream], stream !== 'color_themes');
        const before = new Map(prev[stream].map((r) => [r.id as number, r]));
        const ids = new Set(now[stream].map((r) => r.id as number));
        for (const r of now[stream]) {
          const old = before.get(r.id as number);
          if (!old && step > 0) happened.added.add(stream);
          if (old && JSON.stringify(old) !== JSON.stringify(r)) {
            happened.changed.add(stream);
            if (stream !== 'color_themes') {
              expect(Date.parse(r.updated_at as string), `${stream} ${r.id} updated_at`).toBeGreaterThan(Date.parse(old.updated_at as string));
              expect(Date.parse(r.updated_at as string)).toBeLessThanOrEqual(Date.parse(sim.now()));
              if (old.deleted_at === null && r.deleted_at !== null) happened.softDeleted.add(stream);
              expect(old.deleted_at === null || r.deleted_at === old.deleted_at, 'a soft delete is never undone').toBe(true);
            }
          }
          if (stream !== 'color_themes') for (const k of ['created_at', 'updated_at']) expect(r[k]).toMatch(TS);
        }
        for (const id of before.keys()) if (!ids.has(id)) happened.vanished.add(stream);
        for (const id of ids) seen[stream].add(id);
      }
      // promo codes stay grouped by discount_id ascending (ids unordered inside a group, Q23)
      const groups = now.promo_codes.map((p) => p.discount_id as number);
      expect(groups).toEqual([...groups].sort((a, b) => a - b));
      prev = now;
    }
    expect([...happened.added].sort()).toEqual(['color_themes', 'discounts', 'promo_codes']);
    expect([...happened.changed].sort()).toEqual(['color_themes', 'discounts', 'promo_codes']);
    expect([...happened.softDeleted].sort()).toEqual(['discounts', 'promo_codes']);
    expect([...happened.vanished].sort()).toEqual(['color_themes', 'discounts', 'promo_codes']);

    // a vanished record is a 404 on its own route; a soft-deleted one is still served
    const truth = sim.truth().catalogue;
    const gone = truth.discounts.vanished[0] as number;
    expect((await api(sim, `/discounts/${gone}`)).json).toMatchObject({ status: 404, code: 'RESOURCE_NOT_FOUND' });
    const deleted = truth.promo_codes.deleted[0] as number;
    expect(((await api(sim, `/promo-codes/${deleted}`)).json as { data: Row }).data.deleted_at).toMatch(TS);
    // nothing changed at the start instant itself: the first walk is the catalogue the history was generated with
    expect(first.discounts.every((d) => Date.parse(d.updated_at as string) <= startNow)).toBe(true);
  });

  it('an order only ever uses a discount and promo code that were live, active and in their window when it was made', () => {
    // checked on the model: the API shows only the current state of a record, not its state when an order was made
    const world = createWorld({ seed: 62, orders: 2_000, historyDays: 10, events: 12 });
    world.advance(120 * DAY);
    const { discounts, promoCodes } = world.churn;
    let checked = 0;
    for (const o of world.orders) {
      if (o.discountId === null) continue;
      const t = o.createdAt;
      const d = discounts.at(discounts.byId.get(o.discountId) as Entry<Discount>, t);
      expect(d, `order ${o.id}: discount ${o.discountId}`).toBeTruthy();
      const dd = d as Discount;
      expect([dd.deletedAt, dd.isActive]).toEqual([null, 1]);
      expect((dd.activeFrom ?? t) <= t && (dd.activeTo ?? t + 1) > t, `order ${o.id}: window of ${dd.id}`).toBe(true);
      if (o.promoCodeId !== null) {
        const p = promoCodes.at(promoCodes.byId.get(o.promoCodeId) as Entry<PromoCode>, t) as PromoCode;
        expect([p?.deletedAt, p?.isActive, p?.discountId]).toEqual([null, 1, o.discountId]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
    // and the catalogue did move: initial records were edited, soft-deleted and removed along the way
    const base = [...discounts.entries, ...promoCodes.entries].filter((e) => e.born === 'base');
    expect(base.some((e) => e.versions.some((v) => v.rec === null))).toBe(true);
    expect(base.some((e) => e.versions[0]?.rec?.deletedAt === null && e.versions.some((v) => v.rec !== null && v.rec.deletedAt !== null))).toBe(true);
    expect(base.filter((e) => e.versions.length > 1).length).toBeGreaterThan(base.length / 2);
  });

  it('where filters work on the changing lists', async () => {
    const sim = await start({ seed: 62, orders: 300, historyDays: 3, events: 12 });
    sim.advance(40 * DAY);
    const discounts = (await walk(sim, '/discounts')).rows;
    const live = ((await api(sim, '/discounts', { body: { where: [{ column: 'deleted_at', operator: 'null' }] } })).json as { data: Row[] }).data;
    expect(live.map((d) => d.id)).toEqual(discounts.filter((d) => d.deleted_at === null).map((d) => d.id));
    expect(live.length).toBeLessThan(discounts.length);
  });

  it('is deterministic: the same seed gives the same catalogue however the clock is advanced', async () => {
    const [a, b] = await Promise.all([start({ seed: 63, orders: 300, historyDays: 3 }), start({ seed: 63, orders: 300, historyDays: 3 })]);
    a.advance(33 * DAY + 1234);
    for (const ms of [3_600_000, DAY, 7 * DAY + 5, 25 * DAY - 3_600_000 - 5 + 1234]) b.advance(ms);
    expect(a.now()).toBe(b.now());
    for (const path of ['/discounts', '/promo-codes', '/color-themes']) expect((await api(a, path)).text, path).toBe((await api(b, path)).text);
    expect(a.truth().catalogue).toEqual(b.truth().catalogue);
  });
});

describe('clients', () => {
  it('new buyers appear with new orders; the truth counts them; their personal data is planted', async () => {
    const sim = await start({ seed: 64, orders: 800, historyDays: 5 });
    const before = (await walk(sim, '/clients')).rows;
    expect(sim.truth().catalogue.clients).toEqual({
      listed_count: before.length,
      first_id: before[0]?.id,
      last_id: before[before.length - 1]?.id,
    });
    sim.advance(2 * DAY);
    const after = (await walk(sim, '/clients')).rows;
    const truth = sim.truth().catalogue.clients;
    expect(after.length).toBeGreaterThan(before.length);
    expect(truth).toEqual({ listed_count: after.length, first_id: after[0]?.id, last_id: after[after.length - 1]?.id });
    expect(after.slice(0, before.length)).toEqual(before); // nothing vanishes, ids ascending
    const pii = new Set(sim.piiValues());
    for (const c of after.slice(before.length)) {
      const d = c.details as Row;
      expect(c.email).toMatch(/@example\.(com|net|org)$/);
      for (const v of [c.email, d.name, d.surname, d.middlename, d.phone]) if (typeof v === 'string') expect(pii.has(v), String(v)).toBe(true);
    }
  });
});

import type { EventKind } from './catalog.data.ts';
import { assembleShow, buildEvent, type Catalog, type Show } from './catalog.model.ts';
import { createRng, hash32 } from './random.ts';
import { DAY, HOUR } from './time.ts';

/**
 * The rolling part of the catalogue, so that a clock advanced for months or years always finds something on sale.
 * Period k (k = 0, 1, 2, …) is announced at `start + k × PERIOD`: a batch of new events, created (and put on sale an
 * hour later) during the first days of the period. Each batch has one exhibition (on for 90–150 days from day 20 of
 * the period) and dated shows on days 30–59 of the period, so consecutive batches overlap. A batch depends only on
 * (seed, k) and on the id counters left by batch k − 1, so it is the same however the clock gets there. An event
 * exists (in the API, the ground truth and for sale) from its `created_at` on; see `isListed`.
 */

export const PERIOD = 30 * DAY;

export type RollingOptions = { seed: number; start: number; events: number; ordersPerDay: number };

const DATED_KINDS: readonly EventKind[] = ['hall', 'hall', 'theatre', 'club', 'masterclass'];

/** Events announced per period: about a quarter of the initial catalogue, at least 3. */
export const eventsPerPeriod = (events: number): number => Math.max(3, Math.round(events / 4));

/** The instant period k is announced (no event of the period is created before it). */
export const periodStart = (o: RollingOptions, k: number): number => o.start + k * PERIOD;

/** Adds period k's events and shows to the catalogue (call with k = 0, 1, 2, … in turn). */
export function addPeriod(catalog: Catalog, o: RollingOptions, k: number): void {
  const rng = createRng(hash32(o.seed, k, 0x5011));
  const from = periodStart(o, k);
  const n = eventsPerPeriod(o.events);
  // Admission zones take 8× a period's tickets (~2 per order) spread over the period's shows: never the bottleneck.
  const admissionCapacity = Math.max(300, Math.ceil((o.ordersPerDay * (PERIOD / DAY) * 2 * 8) / (n * 2) / 10) * 10);
  for (let j = 0; j < n; j++) {
    const kind: EventKind = j === 0 ? 'exhibition' : rng.pick(DATED_KINDS);
    const event = buildEvent(rng, catalog.ids, catalog.events.length, kind, false, () => from + rng.int(HOUR, 5 * DAY));
    const showCount = kind === 'exhibition' ? 1 : rng.int(1, 3);
    for (let s = 0; s < showCount; s++) {
      let startAt: number;
      let finishAt: number;
      let saleFinishAt: number;
      if (kind === 'exhibition') {
        startAt = from + 20 * DAY;
        startAt -= startAt % DAY; // 03:00 Moscow
        finishAt = startAt + rng.int(90, 150) * DAY;
        saleFinishAt = finishAt - HOUR;
      } else {
        const day = from + rng.int(30, 59) * DAY;
        startAt = day - (day % DAY) + rng.pick([9, 12, 15, 16, 17]) * HOUR; // 12:00–20:00 Moscow
        finishAt = startAt + rng.int(3, 6) * 1800;
        saleFinishAt = startAt;
      }
      const show = assembleShow(rng, catalog.ids, event, s, { startAt, finishAt, saleFinishAt, createdAt: event.createdAt }, false, admissionCapacity);
      show.updatedAt = show.createdAt; // announced as is: no edit dated after the announcement
      event.shows.push(show);
    }
    catalog.events.push(event);
    catalog.eventById.set(event.id, event);
    for (const show of event.shows) {
      catalog.shows.push(show);
      catalog.showById.set(show.id, show);
    }
  }
}

/** Whether a show exists at instant t: it and its event are created (the initial catalogue always is). */
export function isListed(catalog: Catalog, show: Show, t: number): boolean {
  const event = catalog.eventById.get(show.eventId);
  return show.createdAt <= t && event !== undefined && event.createdAt <= t;
}

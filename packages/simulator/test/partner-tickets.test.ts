import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PartnerTicketTruth, Simulator } from '../src/index.ts';
import { call, kop, kopStr, simulatorPool, walk } from './http-helpers.ts';

/**
 * Partner tickets (contract §6, §7.10). The contract has no list-all method; the simulator lets
 * tickets/find/{event_id}[/{show_id}] go without a filter and answer every partner ticket of that event (show).
 * truth().partner_tickets = the union of those answers over the events, ids normalised to numbers.
 */

type Row = Record<string, unknown>;
type FindResult = { status: string; result: Row[]; code?: string };
const DAY = 86_400_000;
const { start, closeAll } = simulatorPool();
afterAll(closeAll);

const LOCAL_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe('partner tickets', () => {
  let sim: Simulator;
  let events: Row[];
  beforeAll(async () => {
    sim = await start({ seed: 71, orders: 3_000, historyDays: 10, events: 10 });
    events = (await walk(sim, '/events')).rows;
  });
  const partners = (path: string, o: Parameters<typeof call>[1] = {}) => call(`${sim.partnersBaseUrl}${path}`, { token: sim.partnersToken, ...o });

  const normalise = (t: Row, eventId: number): PartnerTicketTruth => ({
    id: Number(t.id),
    event_id: eventId,
    show_id: showOf(t),
    paid: t.paid as 0 | 1,
    price: kopStr(kop(t.price)),
    deleted: t.deleted as 0 | 1,
  });
  /** The show of a partner ticket, from its seat id and the event's shows (tickets/find has no show_id field). */
  const showIds = new Map<number, number>();
  const showOf = (t: Row): number => showIds.get(Number(t.id)) as number;

  async function walkPartnerTickets(): Promise<PartnerTicketTruth[]> {
    const out: PartnerTicketTruth[] = [];
    for (const e of events) {
      const byEvent = (await partners(`/tickets/find/${e.id}`)).json as FindResult;
      expect(byEvent.status).toBe('success');
      // per show: the same tickets, split (this is how the show of each ticket is known)
      for (const s of e.shows as Row[]) {
        const byShow = (await partners(`/tickets/find/${e.id}/${s.id}`, { method: 'POST' })).json as FindResult;
        for (const t of byShow.result) showIds.set(Number(t.id), s.id as number);
      }
      expect(new Set(byEvent.result.map((t) => Number(t.id))).size).toBe(byEvent.result.length);
      out.push(...byEvent.result.map((t) => normalise(t, e.id as number)));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  it('truth().partner_tickets = tickets/find per event (no filter), now and after the clock moves', async () => {
    const truth = sim.truth().partner_tickets;
    expect(truth.length).toBeGreaterThan(50);
    expect(await walkPartnerTickets()).toEqual(truth);
    expect(truth.some((t) => t.deleted === 1)).toBe(true);
    expect(truth.some((t) => t.paid === 0)).toBe(true);
    sim.advance(3 * DAY);
    events = (await walk(sim, '/events')).rows;
    const later = sim.truth().partner_tickets;
    expect(later.length).toBeGreaterThan(truth.length);
    expect(await walkPartnerTickets()).toEqual(later);
  });

  it('tickets agree with the orders: ids, paid flag, price; timestamps in the venue offset', async () => {
    const orders = new Map((await walk(sim, '/orders')).rows.flatMap((o) => (o.baskets as Row[]).map((b) => [b.id as number, { o, b }] as const)));
    const offsets = new Set<string>();
    for (const t of sim.truth().partner_tickets.slice(0, 200)) {
      const found = (await partners('/tickets/find', { body: { filter: { id: t.id } } })).json as FindResult;
      const ticket = found.result[0] as Row;
      const { o, b } = orders.get(t.id) as { o: Row; b: Row };
      expect([ticket.id, ticket.external_order_id, ticket.external_id]).toEqual([t.id, `ext-o-${o.id}`, `ext-t-${b.id}`]);
      expect(ticket.paid).toBe(o.payed ? 1 : 0);
      expect(kop(ticket.price)).toBe(kop(b.price));
      expect(b.show_id).toBe(t.show_id);
      expect(ticket.reserved_to).toMatch(LOCAL_TS);
      expect(Date.parse(ticket.reserved_to as string)).toBe(Date.parse(o.reserved_to as string));
      if (ticket.paid_at !== null) expect(Date.parse(ticket.paid_at as string)).toBe(Date.parse(o.payed_at as string));
      offsets.add((ticket.reserved_to as string).slice(-6));
    }
    expect(offsets.size).toBeGreaterThan(1); // not only +03:00
  });

  it('fault partnerStringIdRate: some ids come as strings (the same ones every time), nothing else changes', async () => {
    const e = events.find((x) => sim.truth().partner_tickets.some((t) => t.event_id === x.id)) as Row;
    const plain = (await partners(`/tickets/find/${e.id}`)).json as FindResult;
    sim.setFaults({ partnerStringIdRate: 0.5 });
    const mixed = (await partners(`/tickets/find/${e.id}`)).json as FindResult;
    const again = (await partners(`/tickets/find/${e.id}`)).json as FindResult;
    sim.setFaults({ partnerStringIdRate: 0 });
    expect(again).toEqual(mixed);
    expect(mixed.result.some((t) => typeof t.id === 'string')).toBe(true);
    expect(mixed.result.some((t) => typeof t.id === 'number')).toBe(true);
    expect(mixed.result.map((t) => ({ ...t, id: Number(t.id) }))).toEqual(plain.result);
  });

  it('errors come with HTTP 200 and status error', async () => {
    for (const [path, o, code] of [
      ['/tickets/find', {}, 'VALIDATION_ERROR'],
      ['/tickets/find/1', {}, 'EVENT_NOT_FOUND'],
      ['/tickets/find/1', { token: sim.token }, 'WRONG_AUTHORIZATION'],
    ] as const) {
      const res = await partners(path, o);
      expect(res.status, path).toBe(200);
      expect(res.json).toMatchObject({ status: 'error', code });
    }
  });
});

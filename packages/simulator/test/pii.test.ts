import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.ts';
import { walk } from './http-helpers.ts';

type Row = Record<string, unknown>;

describe('planted personal data', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 81, orders: 1_500, historyDays: 10 });
  });
  afterAll(() => sim.close());

  it('piiValues() lists exactly the personal values the API serves (orders, baskets, clients)', async () => {
    const orders = (await walk(sim, '/orders')).rows;
    const clients = (await walk(sim, '/clients')).rows;
    const served = new Set<string>();
    const add = (...vs: unknown[]) => {
      for (const v of vs) if (typeof v === 'string' && v !== '') served.add(v);
    };
    const addClient = (c: Row) => {
      const d = c.details as Row;
      add(c.email, d.name, d.surname, d.middlename, d.phone);
    };
    for (const o of orders) {
      addClient(o.client as Row);
      for (const b of o.baskets as Row[]) add(b.client_email, b.client_phone, b.client_name, b.client_surname, b.client_middlename);
    }
    for (const c of clients) addClient(c);
    const pii = new Set(sim.piiValues());
    expect([...served].filter((v) => !pii.has(v))).toEqual([]);
    expect([...pii].filter((v) => !served.has(v))).toEqual([]);
    expect(pii.size).toBeGreaterThan(500);
  });

  it('is obviously synthetic: e-mails on example.com/.net/.org, phones +790000XXXXX', async () => {
    const values = sim.piiValues();
    const emails = values.filter((v) => v.includes('@'));
    const phones = values.filter((v) => v.startsWith('+'));
    expect(emails.length).toBeGreaterThan(100);
    expect(phones.length).toBeGreaterThan(100);
    for (const e of emails) expect(e).toMatch(/@example\.(com|net|org)$/);
    for (const p of phones) expect(p).toMatch(/^\+790000\d{5}$/);
    // buyers' phones are unique per client
    const clients = (await walk(sim, '/clients')).rows;
    const buyerPhones = clients.map((c) => (c.details as Row).phone).filter((p): p is string => typeof p === 'string');
    expect(buyerPhones.length).toBeGreaterThan(100);
    expect(new Set(buyerPhones).size).toBe(buyerPhones.length);
  });
});

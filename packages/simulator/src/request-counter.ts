import type { RequestCounts } from './types.ts';

/**
 * Request counters for request budgets in tests: every request to the API (REST and partners, faulted ones included)
 * counted by endpoint template ("GET /shows/:id/seats") and outcome (HTTP status, or "reset" for a dropped
 * connection). The control endpoints (/__sim/*) are not counted.
 */

const REST_RESOURCES = new Set(['orders', 'events', 'discounts', 'promo-codes', 'clients', 'color-themes', 'baskets', 'shows']);
const SHOW_SUBROUTES: Record<string, string> = { seats: 'seats', barcodes: 'barcodes', barcode: 'barcode/:barcode' };
const ORDER_SUBROUTES = new Set(['baskets', 'restore']);
const PARTNER_METHODS: Record<string, readonly string[]> = {
  events: ['lists', 'seatmap', 'offers', 'seats'],
  tickets: ['find', 'check', 'add', 'update', 'remove'],
};
const PARTNER_PARAMS = [':event_id', ':show_id'] as const;

/** Template of a path after /api/rest/v1 (unknown shapes → "<unknown>"). */
export function restTemplate(rest: string): string {
  const seg = rest.split('/').filter((s) => s !== '');
  const [a, b, c, d, ...more] = seg;
  if (a === undefined || !REST_RESOURCES.has(a) || more.length > 0) return '<unknown>';
  if (b === undefined) return `/${a}`;
  if (c === undefined) return `/${a}/:id`;
  if (a === 'shows') {
    const sub = SHOW_SUBROUTES[c];
    if (!sub || (c === 'barcode') !== (d !== undefined)) return '<unknown>';
    return `/shows/:id/${sub}`;
  }
  if (a === 'orders' && ORDER_SUBROUTES.has(c) && d === undefined) return `/orders/:id/${c}`;
  return '<unknown>';
}

/** Template of a path after /api/partners/v1, prefixed /partners ("/partners/tickets/find/:event_id"). */
export function partnersTemplate(rest: string): string {
  const [group, method, ...params] = rest.split('/').filter((s) => s !== '');
  if (group === undefined || method === undefined || !PARTNER_METHODS[group]?.includes(method) || params.length > 2) return '<unknown>';
  return ['/partners', group, method, ...PARTNER_PARAMS.slice(0, params.length)].join('/');
}

export class RequestCounter {
  private counts: RequestCounts = { total: 0, byStatus: {}, byEndpoint: {} };

  add(method: string, template: string, outcome: number | 'reset'): void {
    const key = `${method} ${template}`;
    const o = String(outcome);
    const c = this.counts;
    c.total++;
    c.byStatus[o] = (c.byStatus[o] ?? 0) + 1;
    const e = c.byEndpoint[key] ?? {};
    e[o] = (e[o] ?? 0) + 1;
    c.byEndpoint[key] = e;
  }

  snapshot(): RequestCounts {
    const c = this.counts;
    return { total: c.total, byStatus: { ...c.byStatus }, byEndpoint: Object.fromEntries(Object.entries(c.byEndpoint).map(([k, v]) => [k, { ...v }])) };
  }

  reset(): void {
    this.counts = { total: 0, byStatus: {}, byEndpoint: {} };
  }
}

import { parseApiJson } from '@qtp/qtickets-client';
import { fixtureText } from '@qtp/testing/fixtures';

/** A QTickets API fixture (docs/qtickets-api/fixtures/) parsed as the client reads responses: fractional money keeps its exact source text. */
export function fixture<T = unknown>(name: string): T {
  return parseApiJson(fixtureText(name)) as T;
}

export type Envelope = { data: Array<Record<string, unknown>> };
export const fixtureOrders = (): Array<Record<string, unknown>> => [
  ...fixture<Envelope>('orders.page1.json').data,
  ...fixture<Envelope>('orders.page2.json').data,
];

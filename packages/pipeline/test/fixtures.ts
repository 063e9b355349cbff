import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseApiJson } from '@qtp/qtickets-client';

/** The shared contract fixtures (synthetic data shaped like real responses). */
export const FIXTURES = resolve(import.meta.dirname, '../../../../shared/qtickets-api/fixtures');

export function fixture<T = unknown>(name: string): T {
  // As the client reads responses: fractional money keeps its exact source text.
  return parseApiJson(readFileSync(resolve(FIXTURES, name), 'utf8')) as T;
}

export type Envelope = { data: Array<Record<string, unknown>> };
export const fixtureOrders = (): Array<Record<string, unknown>> => [
  ...fixture<Envelope>('orders.page1.json').data,
  ...fixture<Envelope>('orders.page2.json').data,
];

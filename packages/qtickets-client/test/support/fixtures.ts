import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared contract fixtures (synthetic data shaped like real responses). */
export const FIXTURES = process.env['QTICKETS_FIXTURES'] ?? resolve(import.meta.dirname, '../../../../../shared/qtickets-api/fixtures');

export function fixtureText(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

/** A synthetic token long enough to be fingerprinted; distinctive so any leak is easy to spot. */
export const TEST_TOKEN = 'qtk_TEST_9f8e7d6c5b4a39281706f5e4d3c2b1a0_SECRET';

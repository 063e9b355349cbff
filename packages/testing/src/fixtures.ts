/**
 * The QTickets API fixtures (`docs/qtickets-api/fixtures/`, synthetic bodies shaped like real responses; see the
 * folder's README.md and `docs/qtickets-api/CONTRACT.md`), for every package's tests.
 *
 * Paths resolve from this file's location inside the repository, never from the working directory, an absolute path
 * or a folder beside the repository. A missing fixture throws at once, naming the file, instead of a test timing out.
 *
 * Imported as `@qtp/testing/fixtures`: Node built-ins only, so it loads none of `@qtp/testing`'s servers and fits
 * packages that `@qtp/testing` itself depends on (simulator, qtickets-client, pipeline) without a dependency cycle.
 * Like the rest of `@qtp/testing`, it is a root devDependency, resolvable from every package's `test/`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';

/** The repository root (this file is `packages/testing/src/fixtures.ts`). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The fixtures folder, absolute (resolved from the repository root). */
export const FIXTURES_DIR = resolve(REPO_ROOT, 'docs/qtickets-api/fixtures');

const shown = (path: string): string => relative(REPO_ROOT, path) || '.';

export class MissingFixtureError extends Error {
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`QTickets fixture ${shown(path)} ${detail} (looked in ${path}; the fixtures live in the repository, docs/qtickets-api/fixtures/)`);
    this.name = 'MissingFixtureError';
    this.path = path;
  }
}

/** Absolute path of one fixture by file name (e.g. `orders.page1.json`); throws MissingFixtureError if absent. */
export function fixturePath(name: string): string {
  if (name === '' || basename(name) !== name) throw new Error(`fixture name must be a plain file name inside ${shown(FIXTURES_DIR)}: ${JSON.stringify(name)}`);
  const path = resolve(FIXTURES_DIR, name);
  if (!existsSync(path)) throw new MissingFixtureError(path, 'does not exist');
  return path;
}

/** The fixture's text, exactly as stored. */
export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** The fixture parsed with plain JSON.parse (for exact fractional money, parse `fixtureText` with the client's parseApiJson). */
export function fixtureJson<T = unknown>(name: string): T {
  const text = fixtureText(name);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`QTickets fixture ${shown(resolve(FIXTURES_DIR, name))} is not valid JSON: ${(error as Error).message}`);
  }
}

/** File names in the fixtures folder, sorted; throws MissingFixtureError when the folder itself is missing. */
export function fixtureNames(): string[] {
  if (!existsSync(FIXTURES_DIR)) throw new MissingFixtureError(FIXTURES_DIR, 'folder does not exist');
  return readdirSync(FIXTURES_DIR).sort();
}

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixtureJson, fixtureNames, fixturePath, fixtureText, MissingFixtureError, REPO_ROOT } from '../src/fixtures.ts';

describe('QTickets API fixtures loader', () => {
  it('resolves inside the repository, from the loader file (not the working directory)', () => {
    expect(REPO_ROOT).toBe(resolve(import.meta.dirname, '../../..'));
    expect((JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name).toBe('qtickets-pipeline');
    expect(relative(REPO_ROOT, FIXTURES_DIR)).toBe('docs/qtickets-api/fixtures');
    expect(fixturePath('orders.page1.json')).toBe(resolve(FIXTURES_DIR, 'orders.page1.json'));
  });

  it('reads text and JSON', () => {
    expect(fixtureText('errors.404.route-not-found.html')).toContain('<html');
    expect(fixtureJson<{ data: unknown[] }>('orders.page1.json').data.length).toBeGreaterThan(0);
  });

  it('a missing fixture throws at once, naming the file', () => {
    expect(() => fixtureText('orders.page9.json')).toThrow(MissingFixtureError);
    expect(() => fixtureJson('orders.page9.json')).toThrow(/fixture docs\/qtickets-api\/fixtures\/orders\.page9\.json does not exist/);
  });

  it('takes plain file names only', () => {
    for (const name of ['', '../CONTRACT.md', 'sub/orders.page1.json']) expect(() => fixturePath(name)).toThrow(/plain file name/);
  });

  it('every file the fixtures README lists is there, and every JSON fixture is listed and parses', () => {
    const readme = fixtureText('README.md');
    const listed = [...readme.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] as string);
    expect(listed.length).toBeGreaterThan(20);
    for (const name of listed) expect(() => fixturePath(name), name).not.toThrow();
    const json = fixtureNames().filter((name) => name.endsWith('.json'));
    expect(json.filter((name) => !listed.includes(name))).toEqual([]);
    for (const name of json) expect(() => fixtureJson(name), name).not.toThrow();
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGES } from '../docker/image.ts';

const ROOT = resolve(import.meta.dirname, '..');
const read = (f: string) => readFileSync(resolve(ROOT, f), 'utf8').replace(/\s+/g, ' ');
const COUNTS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** What a newcomer reads first must be true of the code, and the documents must agree with each other. */
describe('README, docs/deploy.md and docs/design-notes.md', () => {
  const readme = read('README.md');
  const deploy = read('docs/deploy.md');
  const notes = read('docs/design-notes.md');

  it('deploy.md counts and names every image', () => {
    const names = Object.keys(IMAGES);
    expect(deploy).toContain(`The stack is ${COUNTS[names.length]} images`);
    const intro = deploy.slice(0, deploy.indexOf('plus Redis'));
    for (const name of names) expect(intro).toContain(`\`${name}\``);
  });

  it('the Quick start says that start runs until Ctrl-C', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Delivery contract'));
    expect(quick).toMatch(/`\.\/pnpmw start` runs until Ctrl-C/);
  });

  it('starting an app by hand uses the pinned Node (or says Node 24+ is needed)', () => {
    for (const m of readme.matchAll(/(.{0,40})node apps\/[^ ]*main\.ts(.{0,40})/g)) {
      const around = `${m[1]} ${m[2]}`;
      expect(m[1]?.endsWith('./pnpmw exec ') || /Node 24/.test(around), m[0]).toBe(true);
    }
  });

  it('deploy.md says how to run status, requeue, runs and migrate status against the compose stack', () => {
    const section = deploy.slice(deploy.indexOf('## Operator commands against the compose stack'));
    for (const c of ['migrate status', 'status.cli.ts', 'runs.cli.ts', 'requeue.cli.ts']) expect(section).toContain(c);
  });

  it('agree on what exists beyond one machine: Sentinel yes, Redis Cluster and Distributed tables no', () => {
    for (const doc of [readme, deploy, notes]) {
      expect(doc).toContain('REDIS_SENTINELS');
      expect(doc).not.toMatch(/Sentinel (is )?not supported/i);
      expect(doc).toMatch(/Redis Cluster (is )?(not supported|out of scope)|Redis Cluster are not supported|and Redis Cluster are not supported/i);
    }
    expect(deploy).toMatch(/`Distributed` tables[^.]*do not exist/);
    expect(notes).toMatch(/`Distributed` tables[^.]*(do not exist|are not built)/);
    expect(notes).not.toMatch(/reads on a cluster go through `Distributed` tables/);
    expect(notes).not.toMatch(/Exactly one scheduler/);
  });
});

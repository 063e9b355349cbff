/**
 * The repository must work as a lone clone: no file may point at something beside it (the old sibling folder of the
 * API contract) or at an absolute path of a developer machine. The API contract, its fixtures and the design notes
 * live in `docs/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** pnpm writes the lockfile's `link:` paths relative to each importer's folder, not to the lockfile. */
const SKIPPED = new Set(['pnpm-lock.yaml']);

/** Always wrong, wherever they appear (written so that this file does not match them). */
const FORBIDDEN: Array<{ pattern: RegExp; why: string }> = [
  { pattern: /(\.\.\/)+shared\//g, why: 'a folder beside the repository' },
  { pattern: new RegExp(['', 'work', ''].join('/'), 'g'), why: "an absolute path of a developer's machine" },
];

/** A chain of `../` and what follows it, up to the end of the path. */
const UP_PATH = /(?:\.\.\/)+[^\s'"`)\]>,;]*/g;

type Finding = { file: string; line: number; text: string; why: string };

/** Tracked files, and new ones not yet added (unless ignored), relative to the repository root. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(out.split('\0').filter(Boolean))].filter((file) => !SKIPPED.has(file) && existsSync(resolve(ROOT, file))).sort();
}

function scan(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((lineText, index) => {
    const at = (found: string, why: string) => findings.push({ file, line: index + 1, text: found, why });
    for (const { pattern, why } of FORBIDDEN) for (const m of lineText.matchAll(pattern)) at(m[0], why);
    for (const m of lineText.matchAll(UP_PATH)) {
      const target = relative(ROOT, resolve(ROOT, dirname(file), m[0]));
      if (target === '..' || target.startsWith('../') || isAbsolute(target)) at(m[0], 'a relative path that leaves the repository');
    }
  });
  return findings;
}

describe('a self-contained repository', () => {
  it('no tracked file refers to files outside the repository', () => {
    const files = repositoryFiles();
    expect(files).toContain('package.json');
    const findings: Finding[] = [];
    for (const file of files) {
      const bytes = readFileSync(resolve(ROOT, file));
      if (bytes.includes(0)) continue; // binary
      findings.push(...scan(file, bytes.toString('utf8')));
    }
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text} (${f.why})`)).toEqual([]);
  });

  it('the scan catches what it is meant to catch', () => {
    const sibling = ['..', 'shared', 'qtickets-api', 'CONTRACT.md'].join('/');
    expect(scan('README.md', `see ${sibling}`).map((f) => f.why)).toEqual(['a folder beside the repository', 'a relative path that leaves the repository']);
    expect(scan('packages/a/test/x.ts', `const dir = '${['', 'work', 'shared', 'x'].join('/')}';`)).toHaveLength(1);
    const up = (levels: number) => '../'.repeat(levels);
    expect(scan('packages/a/test/x.ts', `resolve(import.meta.dirname, '${up(4)}elsewhere/fixtures')`)).toHaveLength(1);
    expect(scan('packages/a/src/x.ts', `resolve(import.meta.dirname, '${up(3)}migrations')`)).toEqual([]);
    expect(scan('docs/qtickets-api/fixtures/README.md', 'See `../CONTRACT.md`')).toEqual([]);
  });

  it('the documents that comments cite are in the repository', () => {
    for (const doc of ['docs/qtickets-api/CONTRACT.md', 'docs/qtickets-api/fixtures/README.md', 'docs/design-notes.md']) {
      expect(existsSync(resolve(ROOT, doc)), doc).toBe(true);
    }
  });
});

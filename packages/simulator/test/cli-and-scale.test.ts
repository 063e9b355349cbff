import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, startSimulator } from '../src/index.ts';
import { api, type Paged } from './http-helpers.ts';

const CLI = fileURLToPath(new URL('../src/simulator.cli.ts', import.meta.url));

function run(args: string[], untilOutput?: RegExp): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (untilOutput?.test(out)) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('simulator.cli.ts', () => {
  it('bad flags → a clear message and exit code 2', async () => {
    for (const args of [
      ['--bogus'],
      ['--error503-rate', '2'],
      ['--port', 'abc'],
      ['--rate-limit-every', '5'],
      ['--webhook-url', 'http://127.0.0.1:9/x'],
      ['--webhook-url', 'ftp://x', '--webhook-secret', 's'],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^simulator: /);
      expect(r.err).toContain('Usage:');
    }
  });

  it('prints the URL and token, stops on SIGINT', async () => {
    const r = await run(['--port', '0', '--orders', '200', '--days', '2', '--seed', '3'], /Ctrl-C stops/);
    expect(r.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toContain(`Bearer ${DEFAULTS.token}`);
    expect(r.out).toContain('200 orders');
    expect(r.code, r.err).toBe(0);
  });
});

describe('scale', () => {
  // Speed is measured by `pnpm bench` (docs/benchmarks.md), not asserted here.
  it('100 000 orders: every page up to the last is served, and the one after it is empty', async () => {
    const sim = await startSimulator({ seed: 2, orders: 100_000 });
    try {
      expect(sim.orderIds().length).toBe(100_000);
      for (const page of [1, 500, 1000, 1999, 2000]) {
        const res = (await api(sim, '/orders', { query: { page } })).json as Paged;
        expect(res.paging.total).toBe(100_000);
        expect((res.data as unknown[]).length).toBe(50);
      }
      expect(((await api(sim, '/orders', { query: { page: 2001 } })).json as Paged).data).toEqual([]);
    } finally {
      await sim.close();
    }
  }, 60_000);
});

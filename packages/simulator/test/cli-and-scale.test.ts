import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.ts';
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
    for (const args of [['--bogus'], ['--error503-rate', '2'], ['--port', 'abc'], ['--rate-limit-every', '5']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^simulator: /);
      expect(r.err).toContain('Usage:');
    }
  });

  it('prints the URL and token, stops on SIGINT', async () => {
    const r = await run(['--port', '0', '--orders', '200', '--days', '2', '--seed', '3'], /Ctrl-C stops/);
    expect(r.out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.out).toContain('Bearer sim-token-0000000000000000');
    expect(r.out).toContain('200 orders');
    expect(r.code, r.err).toBe(0);
  });
});

describe('scale', () => {
  it('100 000 orders: ready in seconds, pages served in milliseconds', async () => {
    const t0 = performance.now();
    const sim = await startSimulator({ seed: 2, orders: 100_000 });
    const startMs = performance.now() - t0;
    try {
      expect(sim.orderIds().length).toBe(100_000);
      expect(startMs).toBeLessThan(15_000);
      const times: number[] = [];
      for (const page of [1, 500, 1000, 1999, 2000, 2001]) {
        const t = performance.now();
        const res = await api(sim, '/orders', { query: { page } });
        times.push(performance.now() - t);
        expect((res.json as Paged).paging.total).toBe(100_000);
      }
      times.sort((a, b) => a - b);
      expect(times[Math.floor(times.length / 2)]).toBeLessThan(100);
    } finally {
      await sim.close();
    }
  }, 60_000);
});

/**
 * What bench/load.bench.ts reads from the outside while a load runs: CPU and memory of each process from /proc, the
 * bytes Redis received and sent, the sizes of the job payloads waiting in each queue, and the API source process
 * (the simulator's CLI with a frozen clock, optionally serving pre-rendered pages).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { STREAM_DEFINITIONS } from '@qtp/pipeline';
import type { Redis } from 'ioredis';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process, its waited-for children included (/proc/<pid>/stat fields 14–17). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): utime = 14, stime = 15, cutime = 16, cstime = 17
    const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(f[i] ?? 0), 0);
    return ticks / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** Resident and peak-resident memory of a process, in MB, from /proc. */
export function memory(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Bytes Redis has read from and written to its clients since it started (INFO stats). */
export async function redisNetBytes(redis: Redis): Promise<{ in: number; out: number }> {
  const info = await redis.info('stats');
  const n = (k: string) => Number(new RegExp(`${k}:(\\d+)`).exec(info)?.[1] ?? 0);
  return { in: n('total_net_input_bytes'), out: n('total_net_output_bytes') };
}

/** Samples the serialised `data` of jobs waiting in each queue (BullMQ keeps it in the job hash), claims included. */
export class PayloadSampler {
  readonly #seen = new Map<string, Map<string, number>>();
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #queues: string[];

  constructor(redis: Redis, prefix: string, queues: string[]) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#queues = queues;
    for (const q of queues) this.#seen.set(q, new Map());
  }

  async sample(): Promise<void> {
    for (const q of this.#queues) {
      const base = `${this.#prefix}:${q}`;
      const ids = [...(await this.#redis.lrange(`${base}:wait`, 0, 9)), ...(await this.#redis.zrange(`${base}:prioritized`, '0', '9'))];
      const seen = this.#seen.get(q) as Map<string, number>;
      for (const id of ids) {
        if (seen.has(id) || seen.size >= 2_000) continue;
        const data = await this.#redis.hget(`${base}:${id}`, 'data');
        if (!data) continue;
        // a claim-checked job: its data plus the claim it points at
        const claim = (JSON.parse(data) as { _claim?: unknown })._claim;
        seen.set(id, Buffer.byteLength(data) + (typeof claim === 'string' ? await this.#redis.strlen(claim) : 0));
      }
    }
  }

  /** Mean payload bytes per job of each queue, and how many jobs were sampled. */
  means(): Map<string, { mean: number; sampled: number }> {
    return new Map(
      [...this.#seen].map(([q, s]) => {
        const sizes = [...s.values()];
        return [q, { mean: sizes.length ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 0, sampled: sizes.length }];
      }),
    );
  }
}

export type ApiSource = { child: ChildProcess; url: string; apiBaseUrl: string; token: string; close: () => Promise<void> };

/** The simulator's CLI as its own process, clock frozen (the data does not move during the load). */
export async function startApiSource(opts: { orders: number; logDir: string; cacheReplies: boolean }): Promise<ApiSource> {
  const cli = resolve(import.meta.dirname, '../packages/simulator/src/simulator.cli.ts');
  const args = [cli, '--port', '0', '--seed', '1', '--orders', String(opts.orders), '--speed', '0', ...(opts.cacheReplies ? ['--cache-replies'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const log = createWriteStream(join(opts.logDir, 'source.log'), { flags: 'a' });
  child.stderr?.pipe(log);
  const banner = await new Promise<string>((res, rej) => {
    child.once('error', rej);
    let text = '';
    const timer = setTimeout(() => rej(new Error(`the API source did not start within 300 s: see ${join(opts.logDir, 'source.log')}`)), 300_000);
    child.stdout?.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      if (text.includes('Ctrl-C stops')) {
        clearTimeout(timer);
        res(text);
      }
    });
    child.once('exit', (code) => rej(new Error(`the API source exited (${code}): see ${join(opts.logDir, 'source.log')}`)));
  }).catch((err: Error) => {
    child.kill('SIGKILL');
    throw err;
  });
  child.stdout?.pipe(log);
  const match = /REST API\s+(\S+)\s+\(Authorization: Bearer (\S+)\)/.exec(banner);
  const url = /listening on (\S+)/.exec(banner)?.[1];
  if (!match?.[1] || !match[2] || !url) throw new Error(`unexpected banner from the API source: ${banner}`);
  return {
    child,
    url,
    apiBaseUrl: match[1],
    token: match[2],
    close: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
      }),
  };
}

/** GET with a JSON body (the vendor's parameter encoding), as the pipeline's client sends it; resolves the status. */
export function getWithBody(url: string, token: string, body: unknown, gzip = true): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const raw = JSON.stringify(body);
    const req = request(
      url,
      {
        method: 'GET',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(raw)),
          ...(gzip ? { 'Accept-Encoding': 'gzip' } : {}),
        },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, text: r.headers['content-encoding'] ? '' : Buffer.concat(chunks).toString('utf8') }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(raw);
  });
}

/** Renders every page of the order list once, as the load will ask for it, so that the source serves it from memory. */
export async function prerenderOrderPages(source: ApiSource, concurrency = 4): Promise<number> {
  const first = await getWithBody(`${source.apiBaseUrl}/orders`, source.token, { page: 1 }, false);
  const paging = (JSON.parse(first.text) as { paging: { perPage: number; total: number } }).paging;
  const pages = Math.max(1, Math.ceil(paging.total / paging.perPage));
  let next = 1;
  const worker = async () => {
    while (next <= pages) {
      const page = next++;
      // A kept-alive socket the server has just closed resets: such a page is asked again (a few times at most).
      for (let attempt = 1; ; attempt++) {
        try {
          const { status } = await getWithBody(`${source.apiBaseUrl}/orders`, source.token, { page });
          if (status !== 200) throw new Error(`pre-rendering page ${page}: HTTP ${status}`);
          break;
        } catch (err) {
          if (attempt >= 3 || source.child.exitCode !== null) throw err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pages;
}

/** The settings every bench starts its apps with: no .env, dev mode, and no scheduled run (the bench asks for runs). */
export function benchAppEnv(): Record<string, string | undefined> {
  const never = '0 0 1 1 *';
  return {
    PATH: process.env.PATH,
    QTP_ENV_FILE: '/dev/null',
    QTP_ENV: 'dev',
    ...Object.fromEntries(STREAM_DEFINITIONS.flatMap((s) => s.schedules.map((x) => [x.env, never]))),
  };
}

import { request } from 'node:http';
import { type Simulator, startSimulator } from '../src/index.ts';

/** A tiny node:http client for the tests: it can send a JSON body with GET (the vendor's encoding A). */

export type HttpResult = { status: number; headers: Record<string, string | string[] | undefined>; text: string; json: unknown };

export type CallOptions = { method?: string; body?: unknown; query?: Record<string, unknown>; token?: string | null; headers?: Record<string, string> };

export function call(url: string, o: CallOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(o.query ?? {})) u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
  const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = request(u, { method: o.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** GET on the REST API with the simulator's token. */
export const api = (sim: Simulator, path: string, o: CallOptions = {}): Promise<HttpResult> => call(`${sim.apiBaseUrl}${path}`, { token: sim.token, ...o });

export type Paged = { data: Record<string, unknown>[]; paging: { perPage: number; currentPage: number; total: number } };

/** Walks every page of a list endpoint (stops on an empty page). */
export async function walk(sim: Simulator, path: string, o: CallOptions = {}): Promise<{ rows: Record<string, unknown>[]; pages: Paged[] }> {
  const rows: Record<string, unknown>[] = [];
  const pages: Paged[] = [];
  for (let page = 1; page < 10_000; page++) {
    const res = await api(sim, path, { ...o, query: { ...o.query, page } });
    if (res.status !== 200) throw new Error(`${path} page ${page}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    const body = res.json as Paged;
    pages.push(body);
    if (body.data.length === 0) break;
    rows.push(...body.data);
  }
  return { rows, pages };
}

export const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/;

/** A JSON money number → integer kopecks (exact for values with at most 2 decimals). */
export function kop(v: unknown): number {
  if (typeof v !== 'number') throw new Error(`money is not a number: ${JSON.stringify(v)}`);
  const k = Math.round(v * 100);
  if (Math.abs(k / 100 - v) > 1e-9) throw new Error(`more than 2 decimals: ${v}`);
  return k;
}

export const kopStr = (k: number): string => `${k < 0 ? '-' : ''}${Math.floor(Math.abs(k) / 100)}.${String(Math.abs(k) % 100).padStart(2, '0')}`;

/** Moscow calendar date of a `+03:00` timestamp from the wire (parsed, not sliced, so the offset is honoured). */
export const moscowDay = (ts: string): string => new Date(Date.parse(ts) + 3 * 3600_000).toISOString().slice(0, 10);

/** Starts a simulator that is closed after the file's tests (afterAll registered by the caller's file). */
export function simulatorPool(): { start: (o: Parameters<typeof startSimulator>[0]) => Promise<Simulator>; closeAll: () => Promise<unknown> } {
  const started: Simulator[] = [];
  return {
    start: async (o) => {
      const s = await startSimulator(o);
      started.push(s);
      return s;
    },
    closeAll: () => Promise.all(started.map((s) => s.close())),
  };
}

import { parseArgs } from 'node:util';
import { createLogger } from '@qtp/shared';
import { DEFAULTS, startSimulator } from './simulator.ts';
import type { Faults, StartOptions } from './types.ts';

/**
 * `pnpm simulator [flags]`: a contract-faithful QTickets API on 127.0.0.1. Prints the URLs and tokens; Ctrl-C stops.
 * The simulated clock follows wall time × --speed (0 freezes it).
 */

const USAGE = `Usage: pnpm simulator [options]

  --port <n>              listen port (default 8080; 0 = any free port)
  --host <addr>           listen address (default 127.0.0.1)
  --seed <n>              data seed (default 1)
  --now <iso>             simulated "now" at start (default ${DEFAULTS.now})
  --days <n>              history days (default 60)
  --orders <n>            total history orders (overrides --orders-per-day)
  --orders-per-day <n>    order rate (default 750)
  --events <n>            number of events (default 30)
  --token <s>             accepted REST token (default ${DEFAULTS.token})
  --partners-token <s>    accepted partners key
  --refund-keeps-basket   refunded baskets keep deleted_at null (refundMarksDeleted=false)
  --speed <x>             simulated seconds per real second (default 1; 0 = frozen clock)
  --no-gzip               never gzip responses
  --cache-replies         benchmarks: serve each API GET's 200 reply again from memory (use with --speed 0)
webhooks (order changes pushed as they happen; also POST /__sim/webhooks):
  --webhook-url <url>     receiver URL (http or https)
  --webhook-secret <s>    HMAC-SHA1 secret for X-Signature (required with --webhook-url)
  --webhook-retry-scale <x>  wall seconds per contract second of retry delay (default 1)
faults:
  --error503-rate <0..1>  share of API requests answered 503
  --rate-limit-every <n>  with --rate-limit-burst: after every n requests, the next burst get 429
  --rate-limit-burst <n>
  --retry-after <s>       send Retry-After on those 429s
  --latency-ms <n>        added latency per API request
  --malformed-rate <0..1> share of orders served malformed
  --ignore-where          ignore where/orderBy
  --reset-rate <0..1>     share of requests whose connection is dropped
  --ignore-flat           GET /shows/{id}/seats ignores flat (hierarchical shape only)
  --partner-string-id-rate <0..1>  share of partner tickets whose id is a string
  --webhook-bad-signature-rate <0..1>  share of webhook attempts with a wrong X-Signature
  --webhook-duplicate-rate <0..1>      share of delivered webhooks sent twice
  -h, --help
`;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse(): { options: StartOptions; speed: number } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        days: { type: 'string' },
        orders: { type: 'string' },
        'orders-per-day': { type: 'string' },
        events: { type: 'string' },
        token: { type: 'string' },
        'partners-token': { type: 'string' },
        'refund-keeps-basket': { type: 'boolean' },
        speed: { type: 'string' },
        'no-gzip': { type: 'boolean' },
        'cache-replies': { type: 'boolean' },
        'error503-rate': { type: 'string' },
        'rate-limit-every': { type: 'string' },
        'rate-limit-burst': { type: 'string' },
        'retry-after': { type: 'string' },
        'latency-ms': { type: 'string' },
        'malformed-rate': { type: 'string' },
        'ignore-where': { type: 'boolean' },
        'reset-rate': { type: 'string' },
        'ignore-flat': { type: 'boolean' },
        'partner-string-id-rate': { type: 'string' },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
        'webhook-retry-scale': { type: 'string' },
        'webhook-bad-signature-rate': { type: 'string' },
        'webhook-duplicate-rate': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const num = (name: string, opts: { int?: boolean; min?: number; max?: number } = {}): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)))
      fail(`--${name} needs a${opts.int ? 'n integer' : ' number'}, got "${String(raw)}"`);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max))
      fail(`--${name} must be within [${opts.min ?? '-∞'}, ${opts.max ?? '∞'}], got ${n}`);
    return n;
  };
  const faults: Partial<Faults> = {};
  const setIf = <K extends keyof Faults>(k: K, v: Faults[K] | undefined) => {
    if (v !== undefined) faults[k] = v;
  };
  setIf('error503Rate', num('error503-rate', { min: 0, max: 1 }));
  setIf('latencyMs', num('latency-ms', { min: 0 }));
  setIf('malformedRate', num('malformed-rate', { min: 0, max: 1 }));
  setIf('resetRate', num('reset-rate', { min: 0, max: 1 }));
  setIf('partnerStringIdRate', num('partner-string-id-rate', { min: 0, max: 1 }));
  setIf('webhookBadSignatureRate', num('webhook-bad-signature-rate', { min: 0, max: 1 }));
  setIf('webhookDuplicateRate', num('webhook-duplicate-rate', { min: 0, max: 1 }));
  if (values['ignore-where']) faults.ignoreWhere = true;
  if (values['ignore-flat']) faults.ignoreFlat = true;
  const every = num('rate-limit-every', { int: true, min: 0 });
  const burst = num('rate-limit-burst', { int: true, min: 0 });
  if ((every === undefined) !== (burst === undefined)) fail('--rate-limit-every and --rate-limit-burst go together');
  if (every !== undefined && burst !== undefined) faults.rateLimit = { every, burst, retryAfterSeconds: num('retry-after', { min: 0 }) ?? null };
  const options: StartOptions = { port: num('port', { int: true, min: 0, max: 65535 }) ?? 8080, faults };
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const assign = <K extends keyof StartOptions>(k: K, v: StartOptions[K] | undefined) => {
    if (v !== undefined) options[k] = v;
  };
  assign('host', str('host'));
  assign('seed', num('seed', { int: true }));
  assign('now', str('now'));
  assign('historyDays', num('days', { min: 1 }));
  assign('orders', num('orders', { int: true, min: 0 }));
  assign('ordersPerDay', num('orders-per-day', { min: 0 }));
  assign('events', num('events', { int: true, min: 1 }));
  assign('token', str('token'));
  assign('partnersToken', str('partners-token'));
  if (values['refund-keeps-basket']) options.refundMarksDeleted = false;
  if (values['no-gzip']) options.gzip = false;
  if (values['cache-replies']) options.cacheReplies = true;
  const webhookUrl = str('webhook-url');
  const webhookSecret = str('webhook-secret');
  if ((webhookUrl === undefined) !== (webhookSecret === undefined)) fail('--webhook-url and --webhook-secret go together');
  if (webhookUrl !== undefined && webhookSecret !== undefined) options.webhooks = { url: webhookUrl, secret: webhookSecret };
  assign('webhookRetryScale', num('webhook-retry-scale', { min: 0 }));
  return { options, speed: num('speed', { min: 0 }) ?? 1 };
}

const { options, speed } = parse();
const log = createLogger({ name: 'simulator' });
let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
let ticker: ReturnType<typeof setInterval> | undefined;
let stopping = false;
// handlers first: a Ctrl-C that arrives while starting (or right after the banner) still stops cleanly
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  if (ticker) clearInterval(ticker);
  log.info({ signal }, 'stopping simulator');
  (sim ? sim.close() : Promise.resolve()).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  sim = await startSimulator(options);
} catch (err) {
  fail((err as Error).message);
}
const running = sim;
if (speed > 0) {
  let last = Date.now();
  ticker = setInterval(() => {
    const now = Date.now();
    running.advance((now - last) * speed);
    last = now;
  }, 1000);
}
process.stdout.write(
  [
    `QTickets simulator listening on ${running.url}`,
    `  REST API      ${running.apiBaseUrl}   (Authorization: Bearer ${running.token})`,
    `  partners API  ${running.partnersBaseUrl}   (Authorization: Bearer ${running.partnersToken})`,
    `  controls      ${running.url}/__sim/truth, POST ${running.url}/__sim/advance {"ms":…}, ${running.url}/__sim/faults, ${running.url}/__sim/requests`,
    ...(options.webhooks ? [`  webhooks      → ${options.webhooks.url}`] : []),
    `  ${running.orderIds().length} orders, clock ${running.now()}${speed > 0 ? ` (×${speed})` : ' (frozen)'} — Ctrl-C stops`,
    '',
  ].join('\n'),
);

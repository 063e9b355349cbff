import type { Server } from 'node:http';
import { type AdminControls, handleAdmin } from './admin-api.ts';
import { FaultInjector } from './faults.ts';
import { barcodeCheckins } from './ground-truth.streams.ts';
import { computeTruth } from './ground-truth.ts';
import { htmlNotFound, tooManyRequests, unknownError } from './http-response.ts';
import { listen, type Outcome, RequestLog, type SimRequest } from './http-server.ts';
import type { Order } from './orders.model.ts';
import { holderOf } from './orders.view.ts';
import { handlePartners } from './partners-api.ts';
import { personValues } from './people.model.ts';
import { partnersTemplate, RequestCounter, restTemplate } from './request-counter.ts';
import { handleRest } from './rest-api.ts';
import { SimContext } from './sim-context.ts';
import { formatTs, parseTs } from './time.ts';
import type { GroundTruth, Simulator, StartOptions, WebhookConfig } from './types.ts';
import { ChangeFeed, webhookBody } from './webhooks.feed.ts';
import { WebhookSender } from './webhooks.sender.ts';
import { World } from './world.model.ts';

export const DEFAULTS = {
  seed: 1,
  now: '2026-11-20T12:00:00+03:00',
  historyDays: 60,
  ordersPerDay: 750,
  events: 30,
  token: 'sim-token-0000000000000000',
  partnersToken: 'sim-partner-key-000000000000',
  host: '127.0.0.1',
} as const;

const REST_PREFIX = '/api/rest/v1';
const PARTNERS_PREFIX = '/api/partners/v1';

/** Builds the world (no server): used by startSimulator and handy for unit tests. */
export function createWorld(o: StartOptions = {}): World {
  const seed = o.seed ?? DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const nowSec = parseTs(o.now ?? DEFAULTS.now);
  if (nowSec === null) throw new RangeError(`now must be an ISO timestamp with an offset, got ${o.now}`);
  const historyDays = o.historyDays ?? DEFAULTS.historyDays;
  if (!(historyDays > 0)) throw new RangeError(`historyDays must be > 0, got ${historyDays}`);
  if (o.orders !== undefined && !(Number.isInteger(o.orders) && o.orders >= 0)) throw new RangeError(`orders must be an integer >= 0, got ${o.orders}`);
  const ordersPerDay = o.orders !== undefined ? o.orders / historyDays : (o.ordersPerDay ?? DEFAULTS.ordersPerDay);
  if (!(ordersPerDay >= 0)) throw new RangeError(`ordersPerDay must be >= 0, got ${ordersPerDay}`);
  const events = o.events ?? DEFAULTS.events;
  if (!(Number.isInteger(events) && events >= 1)) throw new RangeError(`events must be an integer >= 1, got ${events}`);
  if (o.bigHallSeats !== undefined && !(Number.isInteger(o.bigHallSeats) && o.bigHallSeats >= 100))
    throw new RangeError(`bigHallSeats must be an integer >= 100, got ${o.bigHallSeats}`);
  return new World({
    seed,
    nowSec,
    historyDays,
    historyOrders: o.orders ?? Math.round(ordersPerDay * historyDays),
    ordersPerDay,
    events,
    refundMarksDeleted: o.refundMarksDeleted ?? true,
    ...(o.bigHallSeats ? { bigHallSeats: o.bigHallSeats } : {}),
  });
}

export async function startSimulator(options: StartOptions = {}): Promise<Simulator> {
  const world = createWorld(options);
  const faults = new FaultInjector(world.seed, options.faults);
  const ctx = new SimContext(world, faults, options.token ?? DEFAULTS.token, options.partnersToken ?? DEFAULTS.partnersToken);
  const log = new RequestLog();
  const counter = new RequestCounter();
  const truth = (): GroundTruth => computeTruth(world, (o) => ctx.isMalformed(o), faults.get().malformedRate > 0);
  const now = (): string => formatTs(world.t);

  // webhooks: a change feed exists while a receiver is set; advance() only queues, the sender posts in the background
  const sender = new WebhookSender({
    seed: world.seed,
    retryScale: options.webhookRetryScale ?? 1,
    body: (c) => webhookBody(ctx, c),
    faults: () => faults.get(),
  });
  let feed: ChangeFeed | null = null;
  const setWebhooks = (c: WebhookConfig | null): void => {
    sender.setConfig(c);
    feed = c === null ? null : (feed ?? new ChangeFeed(world));
  };
  if (options.webhooks) setWebhooks(options.webhooks);
  const advance = (ms: number): void => {
    world.advance(ms);
    const changes = feed?.collect() ?? [];
    if (changes.length > 0) sender.enqueue(changes, Date.now());
  };

  const controls: AdminControls = {
    truth,
    now,
    advance,
    faults: () => faults.get(),
    setFaults: (f) => faults.set(f),
    requests: () => counter.snapshot(),
    resetRequests: () => counter.reset(),
    webhooks: () => sender.getConfig(),
    setWebhooks,
    webhookLog: () => sender.log(),
    barcodeCheckins: (showId) => barcodeCheckins(world, showId),
  };

  const serveApi = (req: SimRequest, api: { kind: 'rest' | 'partners'; rest: string }): Outcome => {
    const delayMs = faults.get().latencyMs;
    const d = faults.decide();
    if (d.kind === 'reset') return { reset: true, delayMs };
    if (d.kind === '429') return { reply: tooManyRequests(d.retryAfterSeconds), delayMs };
    if (d.kind === '503' || (api.kind === 'rest' && faults.failing(api.rest))) return { reply: unknownError(d.kind === '503' ? d.variant : 0), delayMs };
    const reply = api.kind === 'rest' ? handleRest(ctx, req, api.rest) : handlePartners(ctx, req, api.rest);
    return { reply, delayMs };
  };
  const handle = (req: SimRequest): Outcome => {
    if (req.path.startsWith('/__sim/')) return { reply: handleAdmin(controls, req, req.path.slice('/__sim/'.length)) };
    const api = apiRoute(req.path);
    const outcome: Outcome = api ? serveApi(req, api) : { reply: htmlNotFound() };
    const template = !api ? '<unknown>' : api.kind === 'rest' ? restTemplate(api.rest) : partnersTemplate(api.rest);
    counter.add(req.method, template, 'reset' in outcome ? 'reset' : outcome.reply.status);
    return outcome;
  };

  const { server, url } = await listen(
    handle,
    log,
    options.port ?? 0,
    options.host ?? DEFAULTS.host,
    options.gzip ?? true,
    options.cacheReplies ? new Map() : null,
  );
  return {
    url,
    apiBaseUrl: `${url}${REST_PREFIX}`,
    partnersBaseUrl: `${url}${PARTNERS_PREFIX}`,
    token: ctx.token,
    partnersToken: ctx.partnersToken,
    now,
    advance,
    setFaults: controls.setFaults,
    faults: controls.faults,
    truth,
    orderIds: () => world.orders.slice(0, world.visibleCount()).map((o) => o.id),
    malformedOrderIds: () =>
      world.orders
        .slice(0, world.visibleCount())
        .filter((o) => ctx.isMalformed(o))
        .map((o) => o.id),
    piiValues: () => piiValues(world.orders.slice(0, world.visibleCount()), world.seed),
    requestLog: () => log.list(),
    requests: controls.requests,
    resetRequests: controls.resetRequests,
    barcodeCheckins: controls.barcodeCheckins,
    setWebhooks,
    webhookLog: controls.webhookLog,
    webhooksIdle: () => sender.idle(),
    close: () => {
      sender.close();
      return closeServer(server);
    },
  };
}

function apiRoute(path: string): { kind: 'rest' | 'partners'; rest: string } | null {
  for (const [prefix, kind] of [
    [REST_PREFIX, 'rest'],
    [PARTNERS_PREFIX, 'partners'],
  ] as const) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return { kind, rest: path.slice(prefix.length) };
  }
  return null;
}

function piiValues(orders: Order[], seed: number): string[] {
  const out = new Set<string>();
  for (const o of orders) {
    for (const v of personValues(o.client.person)) out.add(v);
    for (const b of o.baskets) if (b.otherHolder) for (const v of personValues(holderOf(seed, b))) out.add(v);
  }
  return [...out];
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

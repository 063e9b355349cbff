import { z } from 'zod';
import { plainJson, type Reply } from './http-response.ts';
import type { SimRequest } from './http-server.ts';
import type { BarcodeCheckin, Faults, GroundTruth, RequestCounts, WebhookConfig, WebhookLogEntry } from './types.ts';

/**
 * Test/demo controls outside the API paths, no faults, no auth: GET truth, GET now, POST advance, GET|POST faults,
 * GET requests, POST requests/reset, GET|POST webhooks, GET webhooks/log, GET checkins/<show id>.
 */

export type AdminControls = {
  truth(): GroundTruth;
  advance(ms: number): void;
  now(): string;
  faults(): Faults;
  setFaults(f: Partial<Faults>): void;
  requests(): RequestCounts;
  resetRequests(): void;
  webhooks(): WebhookConfig | null;
  setWebhooks(c: WebhookConfig | null): void;
  webhookLog(): WebhookLogEntry[];
  barcodeCheckins(showId: number): BarcodeCheckin[];
};

const webhooksBody = z.union([z.object({ url: z.string().url(), secret: z.string() }).strict(), z.object({ url: z.null() }).strict()]);

const advanceBody = z.object({ ms: z.number().finite().nonnegative() });
const faultsBody = z
  .object({
    error503Rate: z.number().min(0).max(1),
    rateLimit: z
      .object({ every: z.number().int().nonnegative(), burst: z.number().int().nonnegative(), retryAfterSeconds: z.number().nonnegative().nullable() })
      .nullable(),
    latencyMs: z.number().nonnegative(),
    malformedRate: z.number().min(0).max(1),
    ignoreWhere: z.boolean(),
    resetRate: z.number().min(0).max(1),
    ignoreFlat: z.boolean(),
    partnerStringIdRate: z.number().min(0).max(1),
    webhookBadSignatureRate: z.number().min(0).max(1),
    webhookDuplicateRate: z.number().min(0).max(1),
    webhookPartialBodyRate: z.number().min(0).max(1),
    webhookWrappedBody: z.boolean(),
  })
  .partial()
  .strict();

export function handleAdmin(c: AdminControls, req: SimRequest, rest: string): Reply {
  const key = `${req.method} ${rest}`;
  const checkins = /^GET checkins\/(\d+)$/.exec(key);
  if (checkins) return plainJson(200, c.barcodeCheckins(Number(checkins[1])));
  switch (key) {
    case 'GET requests':
      return plainJson(200, c.requests());
    case 'POST requests/reset':
      c.resetRequests();
      return plainJson(200, c.requests());
    case 'GET webhooks':
      return plainJson(200, webhooksState(c));
    case 'GET webhooks/log':
      return plainJson(200, c.webhookLog());
    case 'POST webhooks': {
      const parsed = webhooksBody.safeParse(req.body);
      if (!parsed.success) return plainJson(400, { error: 'body must be {"url": "<http(s) url>", "secret": "<string>"} or {"url": null}' });
      try {
        c.setWebhooks(parsed.data.url === null ? null : { url: parsed.data.url, secret: (parsed.data as { secret: string }).secret });
      } catch (err) {
        return plainJson(400, { error: (err as Error).message });
      }
      return plainJson(200, webhooksState(c));
    }
    case 'GET truth':
      return plainJson(200, c.truth());
    case 'GET now':
      return plainJson(200, { now: c.now() });
    case 'GET faults':
      return plainJson(200, c.faults());
    case 'POST advance': {
      const parsed = advanceBody.safeParse(req.body);
      if (!parsed.success) return plainJson(400, { error: 'body must be {"ms": <number >= 0>}' });
      c.advance(parsed.data.ms);
      return plainJson(200, { now: c.now() });
    }
    case 'POST faults': {
      const parsed = faultsBody.safeParse(req.body ?? {});
      if (!parsed.success) return plainJson(400, { error: `bad faults: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
      c.setFaults(parsed.data as Partial<Faults>);
      return plainJson(200, c.faults());
    }
    default:
      return plainJson(404, { error: `unknown admin route ${key}` });
  }
}

/** The receiver without its secret, and the delivery counts. */
function webhooksState(c: AdminControls): Record<string, unknown> {
  const cfg = c.webhooks();
  const counts = { pending: 0, delivered: 0, failed: 0 };
  for (const e of c.webhookLog()) counts[e.status]++;
  return { url: cfg?.url ?? null, secretSet: cfg !== null && cfg.secret !== '', ...counts };
}

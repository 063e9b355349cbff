import { sample } from '@qtp/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.ts';
import { PipelineMetrics } from '../src/ops/metrics.ts';
import { WEBHOOK_METRIC_NAMES, WebhookMetrics } from '../src/ops/webhook-metrics.ts';

const log = createLogger({ name: 'test', level: 'silent' });

describe('webhook metrics', () => {
  it('counts deliveries by event and outcome (unknown event types as other) and observes change → row per change', async () => {
    const m = new PipelineMetrics({ service: 'webhooks', log, defaultMetrics: false });
    const wh = new WebhookMetrics(m.registry);
    wh.delivery('payed', 'applied');
    wh.delivery('payed', 'applied', 2);
    wh.delivery('checked', 'refetched');
    wh.delivery('<script>', 'refused');
    wh.delivery(undefined, 'failed');
    wh.delivery('created', 'duplicate', 0);
    wh.changeConfirmed({ receivedAtMs: 10_000, changes: 3, nowMs: 11_500 });
    const text = await m.metrics();
    expect(sample(text, WEBHOOK_METRIC_NAMES.deliveries, { event: 'payed', outcome: 'applied', service: 'webhooks' })).toBe(3);
    expect(sample(text, WEBHOOK_METRIC_NAMES.deliveries, { event: 'checked', outcome: 'refetched' })).toBe(1);
    expect(sample(text, WEBHOOK_METRIC_NAMES.deliveries, { event: 'other', outcome: 'refused' })).toBe(1);
    expect(sample(text, WEBHOOK_METRIC_NAMES.deliveries, { event: 'other', outcome: 'failed' })).toBe(1);
    expect(sample(text, WEBHOOK_METRIC_NAMES.deliveries, { event: 'created', outcome: 'duplicate' })).toBeUndefined();
    expect(text).not.toContain('<script>');
    expect(sample(text, `${WEBHOOK_METRIC_NAMES.changeToRow}_count`)).toBe(3);
    expect(sample(text, `${WEBHOOK_METRIC_NAMES.changeToRow}_sum`)).toBeCloseTo(4.5);
    expect(sample(text, `${WEBHOOK_METRIC_NAMES.changeToRow}_bucket`, { le: '1' })).toBe(0);
    expect(sample(text, `${WEBHOOK_METRIC_NAMES.changeToRow}_bucket`, { le: '2' })).toBe(3);
    await m.close();
  });

  it('each process registers its part: the receiver the deliveries, the writer the latency', async () => {
    const m = new PipelineMetrics({ service: 'writer', log, defaultMetrics: false });
    new WebhookMetrics(m.registry, ['changeToRow']);
    const text = await m.metrics();
    expect(text).toContain(`# TYPE ${WEBHOOK_METRIC_NAMES.changeToRow} histogram`);
    expect(text).not.toContain(WEBHOOK_METRIC_NAMES.deliveries);
    await m.close();
  });
});

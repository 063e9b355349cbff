import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactString } from '../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger({ name: 'test', level: 'debug', destination });
  return { log, text: () => lines.join('\n'), json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const token = 'qt_live_8f3c2a9d7e6b5a4c3d2e1f0a9b8c7d6e';

describe('logger redaction', () => {
  it.each([
    ['authorization header', { req: { headers: { Authorization: `Bearer ${token}`, accept: 'application/json' } } }],
    ['token key', { config: { QTICKETS_TOKEN: token } }],
    ['password key', { ch: { password: token } }],
    ['bearer inside a message string', { note: `sent Bearer ${token} to the API` }],
    ['credentials in a URL', { url: `redis://default:${token}@127.0.0.1:6379` }],
    ['deeply nested', { a: [{ b: { c: { d: { apiKey: token } } } }] }],
  ])('hides secrets: %s', (_name, obj) => {
    const c = capture();
    c.log.info(obj, 'event');
    expect(c.text()).not.toContain(token);
    expect(c.text()).toContain(REDACTED);
  });

  it('hides e-mails and phones by key and by shape, anywhere', () => {
    const c = capture();
    c.log.info(
      { order: { client: { email: 'anna.k@example.com', details: { phone: '+79000000123' } } }, text: 'call +7 900 000-01-23 or mail ivan@example.org' },
      'order',
    );
    c.log.warn('buyer ivan@example.org phoned from 8 (900) 000-67-89');
    const out = c.text();
    for (const pii of ['anna.k@example.com', '+79000000123', '900 000-01-23', 'ivan@example.org', '000-67-89']) expect(out).not.toContain(pii);
    expect(c.json()[1]?.msg).toBe(`buyer ${REDACTED} phoned from ${REDACTED}`);
  });

  it('keeps ordinary values, ids and timestamps', () => {
    const c = capture();
    c.log.info({ orderId: 7310245, at: '2025-11-18T14:04:55+03:00', price: '585.00', stream: 'orders' }, 'page fetched');
    const [line] = c.json();
    expect(line).toMatchObject({ orderId: 7310245, at: '2025-11-18T14:04:55+03:00', price: '585.00', stream: 'orders', msg: 'page fetched', level: 'info' });
  });

  it('redacts error messages and stacks', () => {
    const c = capture();
    c.log.error({ err: new Error(`request failed with Authorization: Bearer ${token}`) }, 'boom');
    expect(c.text()).not.toContain(token);
    expect(c.json()[0]?.err).toMatchObject({ type: 'Error' });
  });

  it('redactString leaves plain text alone', () => {
    expect(redactString('orders page 3 of 120, 50 rows')).toBe('orders page 3 of 120, 50 rows');
  });
});

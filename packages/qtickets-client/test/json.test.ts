import { fixtureText } from '@qtp/testing/fixtures';
import { describe, expect, it } from 'vitest';
import { parseApiJson } from '../src/index.ts';
import { parseApiJsonWithReviver } from '../src/json.ts';

describe('parseApiJson', () => {
  it('keeps integers as numbers and fractional numbers as their exact source text', () => {
    expect(parseApiJson('{"a":585,"b":1317.5,"c":1222.03,"d":-0.10,"e":0,"f":[1,2.50]}')).toEqual({
      a: 585,
      b: '1317.5',
      c: '1222.03',
      d: '-0.10',
      e: 0,
      f: [1, '2.50'],
    });
  });

  it('turns integers beyond MAX_SAFE_INTEGER and exponent forms into source text', () => {
    expect(parseApiJson('[9007199254740991, 9007199254740993, 12345678901234567890, 1e3, 1.0]')).toEqual([
      9007199254740991,
      '9007199254740993',
      '12345678901234567890',
      '1e3',
      '1.0',
    ]);
  });

  it('keeps a value that a double would round', () => {
    const parsed = parseApiJson('{"price": 0.30000000000000004444}') as { price: string };
    expect(parsed.price).toBe('0.30000000000000004444');
  });

  it('leaves strings, booleans and null alone', () => {
    expect(parseApiJson('{"s":"1.50","t":true,"n":null}')).toEqual({ s: '1.50', t: true, n: null });
  });

  it('throws on invalid JSON', () => {
    expect(() => parseApiJson('{"data": [')).toThrow(SyntaxError);
    expect(() => parseApiJson('<!DOCTYPE html>')).toThrow(SyntaxError);
  });

  it('parses the wire-escaped single order (\\uXXXX, \\/) to exactly the pretty fixture', () => {
    const pretty = parseApiJson(fixtureText('orders.single.json'));
    const raw = parseApiJson(fixtureText('orders.single.raw-escaped.json'));
    expect(raw).toEqual(pretty);
    const data = (raw as { data: { baskets: Array<{ seat_name: string }>; payment_url: string } }).data;
    expect(data.baskets[0]?.seat_name).toContain('Партер');
    expect(data.payment_url).toBe('https://qtickets.ru/pay/9cUQdk5Vxt');
  });

  it('keeps fractional prices of the fixtures exact', () => {
    const page = parseApiJson(fixtureText('orders.page1.json')) as { data: Array<{ price: unknown; baskets: Array<{ price: unknown }> }> };
    const order = page.data[2];
    expect(order?.price).toBe('1317.5');
    expect(order?.baskets.map((b) => b.price)).toEqual(['552.5', '382.5', '382.5']);
  });

  it('rejects a number used as an object key (which quoting could otherwise repair)', () => {
    expect(() => parseApiJson('{1.5: 2}')).toThrow(SyntaxError);
    expect(() => parseApiJson('{"a": 1.5, 2.5: 1}')).toThrow(SyntaxError);
  });

  it('falls back to the reference parser when the text contains a \\u0000 escape', () => {
    expect(parseApiJson('{"a":"\\u0000x","b":1.5}')).toEqual({ a: '\u0000x', b: '1.5' });
  });

  it('equals the source-text reviver on every fixture and on generated documents', () => {
    for (const name of ['orders.page1.json', 'orders.page2.json', 'events.page1.json', 'shows.seats.flat.json', 'partners.tickets-find.json']) {
      const text = fixtureText(name);
      expect(parseApiJson(text)).toEqual(parseApiJsonWithReviver(text));
    }
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const numberText = (): string =>
      [
        () => String(Math.floor(rnd() * 1e6)),
        () => `${Math.floor(rnd() * 1e4)}.${Math.floor(rnd() * 100)}`,
        () => `-${Math.floor(rnd() * 1e4)}.5`,
        () => '123456789012345678901',
        () => '9007199254740993',
        () => '1e5',
        () => '0',
        () => '-0.0',
      ][Math.floor(rnd() * 8)]?.() ?? '0';
    const value = (depth: number): string => {
      const r = rnd();
      if (depth > 3 || r < 0.35) return numberText();
      if (r < 0.5) return JSON.stringify(`s${numberText()} "q" \\ 1.5 \u00e9`);
      if (r < 0.6) return ['true', 'false', 'null'][Math.floor(rnd() * 3)] ?? 'null';
      if (r < 0.8) return `[${Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1)).join(', ')}]`;
      return `{${Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => `"k${i}.5" : ${value(depth + 1)}`).join(',')}}`;
    };
    for (let i = 0; i < 500; i += 1) {
      const text = value(0);
      expect(parseApiJson(text), text).toEqual(parseApiJsonWithReviver(text));
    }
  });
});

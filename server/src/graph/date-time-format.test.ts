import { fullFormats } from 'ajv-formats/dist/formats';
import type { DateTimeFormat } from './date-time-format';
import { fastDateTimeFormat } from './date-time-format';

const full = fullFormats['date-time'] as DateTimeFormat;
const fast = fastDateTimeFormat(full);

/** A small deterministic generator (mulberry32), so every run checks the same strings. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  '2016-12-31T23:57:27.0365895+03:00', '2016-12-31T20:57:27Z', '2016-12-31t20:57:27z', '2016-12-31 20:57:27+0300', '2016-12-31T20:57:27-03',
  '2016-02-29T00:00:00Z', '2015-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2016-04-31T00:00:00Z', '2016-00-10T00:00:00Z',
  '2016-13-10T00:00:00Z', '2016-12-00T00:00:00Z', '2016-12-32T00:00:00Z', '2016-12-31T24:00:00Z', '2016-12-31T23:60:00Z', '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60+00:00', '2016-12-31T22:59:60-01:00', '2016-12-31T23:59:61Z', '2016-12-31T23:59:59+24:00', '2016-12-31T23:59:59+23:60',
  '2016-12-31T23:59:59+23:59', '2016-12-31T23:59:59', '2016-12-31T23:59:59.Z', '2016-12-31T23:59:59.5', '2016-12-31\t23:59:59Z',
  '2016-12-31\u00a023:59:59Z', '2016-12-31\n23:59:59Z', '2016-12-31TT23:59:59Z', '2016-12-31T23:59:59Zt', '2016-12-31T23:59:59+03:0',
  '2016-12-31T23:59:59+030', '2016-12-31T23:59:59+03:000', '+2016-12-31T23:59:59Z', '2016-12-31T23:59:59Z\n', '٢٠١٦-12-31T23:59:59Z',
  '2016-12-31T23:59:59.123456789012+05:30', '2016-1-31T23:59:59Z', '2016-12-31T3:59:59Z', '', 'T', '2016-12-31', '23:59:59Z',
];

describe('fastDateTimeFormat', () => {
  test.each(EDGES)('decides %j as ajv-formats does', (text) => {
    expect(fast.validate(text)).toBe(full.validate(text));
  });

  test('decides as ajv-formats does for many generated and mutated date-times', () => {
    const next = random(15);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const num = (max: number, width: number) => String(Math.floor(next() * max)).padStart(width, '0');
    const CHARS = ['0', '9', '-', ':', '.', 'T', 't', ' ', 'Z', 'z', '+', '\t', 'x', '1'];
    let accepted = 0;
    for (let k = 0; k < 50_000; k++) {
      let text = `${num(10000, 4)}-${num(14, 2)}-${num(33, 2)}${pick(['T', 't', ' ', '\t'])}${num(25, 2)}:${num(61, 2)}:${num(62, 2)}${pick(['', '', '.', `.${num(1e7, 1)}`])}${pick(['Z', 'z', '', `+${num(25, 2)}:${num(61, 2)}`, `-${num(25, 2)}${num(61, 2)}`, `+${num(25, 2)}`])}`;
      for (let m = Math.floor(next() * 3); m > 0 && next() < 0.5; m--) {
        const at = Math.floor(next() * (text.length + 1));
        text = next() < 0.5 ? text.slice(0, at) + pick(CHARS) + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
      }
      const expected = full.validate(text);
      if (fast.validate(text) !== expected) throw new Error(`differs on ${JSON.stringify(text)}: ajv-formats says ${expected}`);
      if (expected) accepted++;
    }
    // Both kinds are well represented.
    expect(accepted).toBeGreaterThan(5_000);
    expect(accepted).toBeLessThan(45_000);
  });

  test("decides the usual shape without ajv-formats' check", () => {
    const never = fastDateTimeFormat({ validate: () => { throw new Error('not expected'); }, compare: full.compare });
    for (const text of ['2016-12-31T23:57:27.0365895+03:00', '2016-12-31T20:57:27Z', '2016-02-29 00:00:00-0800']) expect(never.validate(text)).toBe(true);
  });

  test('keeps ajv-formats ordering', () => {
    expect(fast.compare).toBe(full.compare);
  });
});

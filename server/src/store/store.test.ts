import { entityBytes, storedBytes, storedSize } from './store';

describe('the stored size of an entity', () => {
  test('entityBytes counts what storedBytes counts on its JSON text: UTF-8 bytes plus a charge per object and array', () => {
    const entities = [
      { id: 'a' },
      { id: 'b', tags: [], nested: { deeper: [{ x: 1 }, { y: [null, true] }] } },
      { id: 'c', text: 'brackets in strings { [ ] } and "quotes" \\ and ünïcödé ✓', list: ['[', '{'], empty: {} },
    ];
    for (const e of entities) expect(entityBytes(e)).toBe(storedBytes(JSON.stringify(e)));
  });

  test('an object is measured once: the figure is remembered for that object, not for an equal one', () => {
    const e = { id: 'd', note: 'x' };
    expect(entityBytes(e)).toBe(entityBytes({ ...e }));
    expect(entityBytes(e)).toBe(storedBytes(JSON.stringify(e)));
  });

  test('storedSize measured twice in a row, or for another entity of the same text, is storedBytes of the text', () => {
    const e = { id: 'e', list: [{ a: 1 }], note: 'ü' };
    const json = JSON.stringify(e);
    expect(storedSize(e, json)).toBe(storedBytes(json));
    expect(storedSize(e, json)).toBe(storedBytes(json));
    const other = { id: 'f', list: [], more: {} };
    expect(storedSize(other, JSON.stringify(other))).toBe(storedBytes(JSON.stringify(other)));
    expect(storedSize(e, json)).toBe(storedBytes(json));
  });
});

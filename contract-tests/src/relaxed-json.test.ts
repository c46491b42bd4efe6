import { relaxJson } from './relaxed-json';

describe('relaxJson', () => {
  test('drops trailing commas before } and ] but not inside strings', () => {
    const text = '{\n  "a": "x, }",\n  "b": [1, 2,],\n  "c": {"d": 1,},\n}';
    expect(JSON.parse(relaxJson(text) ?? '')).toEqual({ a: 'x, }', b: [1, 2], c: { d: 1 } });
  });

  test('drops line and block comments outside strings, keeping URLs in strings', () => {
    const text = '{\n  // the id\n  "url": "https://graph.microsoft.com/beta", /* note */ "n": 1\n}';
    expect(JSON.parse(relaxJson(text) ?? '')).toEqual({ url: 'https://graph.microsoft.com/beta', n: 1 });
  });

  test('escaped quotes do not end a string', () => {
    expect(JSON.parse(relaxJson('{"a": "say \\"hi\\",}", }') ?? '')).toEqual({ a: 'say "hi",}' });
  });

  test('answers undefined when nothing is dropped (the caller keeps its own error)', () => {
    expect(relaxJson('{"a": 1}')).toBeUndefined();
    expect(relaxJson('{"a": }')).toBeUndefined();
  });

  test('an unclosed comment or string runs to the end without hanging', () => {
    expect(relaxJson('{"a": 1 /* never closed')).toBe('{"a": 1 ');
    expect(relaxJson('{"a": "open')).toBeUndefined();
  });
});

import { compileFunction, literalKey, memberRead } from './literal-code';

describe('generated object literals', () => {
  test('keys are string literals; __proto__ becomes an own property, never the prototype', () => {
    const make = compileFunction<(v: unknown) => Record<string, unknown>>({}, ['v'], `return { ${['a b', '__proto__', 'x"y'].map((k) => `${literalKey(k)}: v`).join(', ')} };`);
    const o = make(1);
    expect(Object.keys(o)).toEqual(['a b', '__proto__', 'x"y']);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(o, '__proto__')).toBe(true);
  });

  test('a read of __proto__ is refused (it would find the prototype); others are member reads', () => {
    expect(memberRead('o', '__proto__')).toBeUndefined();
    expect(memberRead('o', 'it\'s "x"')).toBe('o["it\'s \\"x\\""]');
  });

  test('the scope is passed in, never written into the code', () => {
    const add = compileFunction<(n: number) => number>({ offset: 41 }, ['n'], 'return n + offset;');
    expect(add(1)).toBe(42);
  });
});

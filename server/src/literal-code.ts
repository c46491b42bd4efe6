/**
 * Generated code for building objects of a known shape. Copying values property by property into a new object
 * costs about 50 ns per property (each read and write looks its key up); an object literal with the keys written
 * out is built in a few nanoseconds, so the hot paths that build entities compile one literal per type, as ajv
 * compiles its validators. Property names come from the schemas and enter the code only as JSON string literals.
 */

/** `name` as the key of an object literal. */
export function literalKey(name: string): string {
  // `"__proto__": v` in a literal would set the prototype; a computed key defines an own property.
  return name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
}

/** `object[name]` in generated code, or undefined for `__proto__` (a read would find the prototype, not a property). */
export function memberRead(object: string, name: string): string | undefined {
  return name === '__proto__' ? undefined : `${object}[${JSON.stringify(name)}]`;
}

/** Compiles a function of `params` from `body`; what it needs besides its arguments is passed in `scope`, never written into the code. */
export function compileFunction<F>(scope: Readonly<Record<string, unknown>>, params: readonly string[], body: string): F {
  const names = Object.keys(scope);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(...names, `return function (${params.join(', ')}) {\n${body}\n};`) as (...values: unknown[]) => F;
  return make(...names.map((n) => scope[n]));
}

import { RECORDED_TYPE } from '../../graph/derived-types';
import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { PathCast, TypeTest } from './ast';
import type { Value } from './values';

/** The test "is `type` or derived from it" for values declared as `declared` (which record only a derived type). */
export function typeTestFor(type: StructuredTypeModel, declared: StructuredTypeModel, model: GraphModel): TypeTest {
  return {
    type: type.name,
    declared: model.derivesFrom(declared.name, type.name),
    recorded: model.types.filter((t) => model.derivesFrom(t.name, type.name)).map((t) => t.name),
  };
}

/** The structured type a query names by its qualified name (`microsoft.graph.x`, any case), or Graph's 400. */
export function queryType(name: string, model: GraphModel): StructuredTypeModel {
  const type = model.resolveType(name);
  if (!type) throw new GraphError('BadRequest', `The type '${name}' is not defined in the model: a type cast or isof names an entity or complex type such as ${model.types[0]?.name ?? 'microsoft.graph.entity'}.`);
  return type;
}

/**
 * The type a cast from `from` to the type named `name` arrives at: a type derived from `from` (or `from` itself),
 * else Graph's 400. @see OData URL Conventions §4.11 (Addressing Derived Types)
 */
export function castTarget(name: string, from: StructuredTypeModel, model: GraphModel): StructuredTypeModel {
  const type = queryType(name, model);
  if (!model.derivesFrom(type.name, from.name)) throw new GraphError('BadRequest', `Encountered invalid type cast. '${type.name}' is not assignable from '${from.name}': a type cast names the declared type or a type derived from it.`);
  return type;
}

const compiledTests = new WeakMap<TypeTest, (value: Value) => boolean>();

/** A type test compiled (once per test) to a predicate over stored values: only structured values pass. */
export function compileTypeTest(test: TypeTest): (value: Value) => boolean {
  const known = compiledTests.get(test);
  if (known) return known;
  const recorded = new Set(test.recorded);
  const { declared } = test;
  const passes = (value: Value): boolean => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const own = (value as Record<string, unknown>)[RECORDED_TYPE];
    return typeof own === 'string' ? recorded.has(own) : declared;
  };
  compiledTests.set(test, passes);
  return passes;
}

/**
 * A getter for a property path with type casts: a value that fails a cast reads as null; a collection that is
 * cast keeps the items that pass. Absent values read as null, as in `pathGetter`.
 */
export function castPathGetter(segments: readonly string[], casts: readonly PathCast[]): (value: Value) => Value {
  const tests = casts.map((c) => ({ at: c.at, passes: compileTypeTest(c.test) }));
  return (start) => {
    let v: Value = start;
    for (let i = 0; i <= segments.length; i++) {
      for (const t of tests) {
        if (t.at !== i) continue;
        if (Array.isArray(v)) v = v.filter(t.passes);
        else if (!t.passes(v)) return null;
      }
      if (i === segments.length) break;
      const name = segments[i] ?? '';
      v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined;
    }
    return v ?? null;
  };
}

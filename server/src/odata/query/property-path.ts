import { GraphError } from '../../graph/errors';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import type { ExprType, PathCast } from './ast';
import { castTarget, typeTestFor } from './type-tests';

/** An Edm type as messages show it: `Edm.String`, `Collection(Edm.String)`. */
export function showType(t: ExprType): string {
  return t.collection ? `Collection(${t.edm})` : t.edm;
}

/** Graph's message for a property the type does not declare. */
export function unknownProperty(name: string, type: string): GraphError {
  return new GraphError('BadRequest', `Could not find a property named '${name}' on type '${type}'.`);
}

/** Resolves a property name case-insensitively (exact spelling first), as Graph's URL parser does. */
export function findProperty(type: StructuredTypeModel, name: string) {
  return type.property(name) ?? type.properties.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

/** True for a namespace-qualified name (`microsoft.graph.x`): in a path, a type-cast segment. */
export function isQualifiedName(segment: string): boolean {
  return segment.includes('.');
}

/** A resolved property path: the property names, the type of its value and its type casts. */
export interface ResolvedPath {
  names: string[];
  type: ExprType;
  casts: PathCast[];
}

/** Where a walk along a path is: the value's type, its structured type (if any) and the type declared for it. */
interface Position {
  type: ExprType;
  structured: StructuredTypeModel | undefined;
  /** A value that records no type of its own is of this type (a cast does not change it). */
  declared: StructuredTypeModel | undefined;
}

/**
 * Resolves `a/b/c` from a structured type; every segment but the last must be a single complex value. A
 * qualified segment (`microsoft.graph.x/c`) casts the value before it to a derived type, whose properties
 * follow; a cast may also end a path to a collection of complex values (for any/all over the items of that
 * type). @see OData URL Conventions §4.11 (Addressing Derived Types)
 */
export function resolvePropertyPath(segments: readonly string[], start: StructuredTypeModel, model: GraphModel): ResolvedPath {
  if (segments.length === 0) throw new Error('empty property path');
  let at: Position = { type: { edm: start.name, collection: false }, structured: start, declared: start };
  const names: string[] = [];
  const casts: PathCast[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (isQualifiedName(segment)) {
      const { position, cast } = castAt(at, segment, names, last, model);
      at = position;
      casts.push(cast);
      return;
    }
    const parent = names[names.length - 1];
    if (parent !== undefined && (!at.structured || at.type.collection)) {
      throw new GraphError('BadRequest', `The parent value for a property access of a property '${segment}' is not a single complex value: '${parent}' is ${showType(at.type)}. Use any() or all() over collections.`);
    }
    const owner = at.structured ?? start;
    const prop = findProperty(owner, segment);
    if (!prop) throw unknownProperty(segment, owner.name);
    names.push(prop.name);
    const members = model.resolveEnum(prop.type)?.members;
    const structured = prop.complex ? model.resolveType(prop.type) : undefined;
    at = { type: members ? { edm: prop.type, collection: prop.collection, members } : { edm: prop.type, collection: prop.collection }, structured, declared: structured };
  });
  return { names, type: at.type, casts };
}

/** A type-cast segment: the position it leads to and the cast, before the segment `names.length`. */
function castAt(at: Position, segment: string, names: readonly string[], last: boolean, model: GraphModel): { position: Position; cast: PathCast } {
  const parent = names[names.length - 1] ?? '';
  if (!at.structured || !at.declared) throw new GraphError('BadRequest', `The type cast '${segment}' applies to an entity or a complex value; '${parent}' is ${showType(at.type)}.`);
  if (at.type.collection && !last) throw new GraphError('BadRequest', `The type cast '${segment}' of the collection '${parent}' can only end the path (then any() or all() over its items).`);
  const target = castTarget(segment, at.structured, model);
  return {
    position: { type: { edm: target.name, collection: at.type.collection }, structured: target, declared: at.declared },
    cast: { at: names.length, test: typeTestFor(target, at.declared, model) },
  };
}

import { GraphError } from '../graph/errors';
import type { EntitySetModel, GraphModel, OperationModel } from '../graph/model';

/** The version roots mockgraph answers under; the entity sets say which ones hold them. */
export const SERVICE_VERSIONS = ['beta', 'v1.0'] as const;
/** A Graph version root. */
export type ServiceVersion = (typeof SERVICE_VERSIONS)[number];

/** What a URL path addresses, after OData's resource-path rules. */
export type ResourceTarget =
  | { kind: 'collection'; set: EntitySetModel; cast?: string }
  | { kind: 'count'; set: EntitySetModel; cast?: string }
  | { kind: 'collection-ref'; set: EntitySetModel }
  | { kind: 'entity'; set: EntitySetModel; key: string }
  | { kind: 'entity-ref'; set: EntitySetModel; key: string }
  | { kind: 'operation'; set: EntitySetModel; key: string | undefined; operation: OperationModel };

/** A parsed resource path: the version root and the target below it. */
export interface ResourcePath {
  version: ServiceVersion;
  target: ResourceTarget;
}

const KEY_IN_PARENS = /^([^(]+)\((.*)\)$/s;

function notFound(segment: string): GraphError {
  return new GraphError('BadRequest', `Resource not found for the segment '${segment}'.`);
}

/** Parses the key predicate of `set('key')` or `set(id='key')`. @see OData URL Conventions §4.3.1 */
function parseKeyPredicate(raw: string, segment: string): string {
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*=)?'((?:[^']|'')*)'$/s.exec(raw.trim());
  if (!m || m[1] === undefined) {
    throw new GraphError('BadRequest', `Bad key predicate in segment '${segment}': expected a quoted string key such as ('a5c97fce-7fce-a5c9-ce7f-c9a5ce7fc9a5').`);
  }
  return m[1].replace(/''/g, "'");
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new GraphError('BadRequest', `The URL segment '${raw}' is not valid percent-encoding.`);
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Resolves a URL path (as sent, still percent-encoded) against the model. Segments match
 * case-insensitively, as Graph does; keys keep their case.
 */
export function parseResourcePath(pathname: string, model: GraphModel): ResourcePath {
  const segments = pathname.split('/').slice(1).map(decodeSegment);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const [first = '', ...rest] = segments;
  const version = SERVICE_VERSIONS.find((v) => same(v, first));
  if (!version) throw new GraphError('BadRequest', `Invalid version: ${first}`);
  if (rest.length === 0 || rest[0] === '') throw new GraphError('BadRequest', 'The request URL names no resource below the version root.');

  for (const set of model.entitySets) {
    const matched = matchSet(set, rest);
    if (!matched) continue;
    if (!set.versions.includes(version)) throw notFound(set.segments[set.segments.length - 1] ?? set.path);
    return { version, target: resolveTail(set, matched.key, matched.tail, model) };
  }
  throw notFound(firstUnmatched(model.entitySets, rest));
}

/** Matches the set's path, else one of its aliases. */
function matchSet(set: EntitySetModel, segments: readonly string[]): { key: string | undefined; tail: string[] } | undefined {
  for (const path of [set.segments, ...set.aliases]) {
    const matched = matchPath(path, segments);
    if (matched) return matched;
  }
  return undefined;
}

function matchPath(setSegments: readonly string[], segments: readonly string[]): { key: string | undefined; tail: string[] } | undefined {
  const n = setSegments.length;
  if (segments.length < n) return undefined;
  for (let i = 0; i < n - 1; i++) if (!same(setSegments[i] ?? '', segments[i] ?? '')) return undefined;
  const last = segments[n - 1] ?? '';
  const name = setSegments[n - 1] ?? '';
  if (same(last, name)) return { key: undefined, tail: segments.slice(n) };
  const parens = KEY_IN_PARENS.exec(last);
  if (parens && same(parens[1] ?? '', name)) return { key: parseKeyPredicate(parens[2] ?? '', last), tail: segments.slice(n) };
  return undefined;
}

/**
 * A bound action or function of a set named by a segment (`submitX`, `microsoft.graph.submitX`, `fn()` for
 * functions; case-insensitive, percent-decoded), bound to the collection or one entity, or either when not given.
 */
export function findOperation(set: EntitySetModel, segment: string, bindsTo?: OperationModel['bindsTo']): OperationModel | undefined {
  const bare = decodeSegmentSafely(segment).replace(/\(\s*\)$/, '').replace(/^microsoft\.graph\./i, '');
  return set.operations.find((op) => (bindsTo === undefined || op.bindsTo === bindsTo) && same(op.name, bare));
}

function decodeSegmentSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A segment naming the set's entity type or a type derived from it (`microsoft.graph.x`, any case): a type cast
 * of the collection. @see OData URL Conventions §4.11 (Addressing Derived Types)
 */
function collectionCast(set: EntitySetModel, segment: string, model: GraphModel): string | undefined {
  if (!segment.includes('.')) return undefined;
  const type = model.resolveType(segment);
  return type && model.derivesFrom(type.name, set.entityType) ? type.name : undefined;
}

function resolveTail(set: EntitySetModel, keyInParens: string | undefined, tail: readonly string[], model: GraphModel): ResourceTarget {
  let key = keyInParens;
  let rest = tail;
  // A collection-bound operation's name takes precedence over reading the segment as a key. @see OData URL Conventions §4.5
  const collectionOp = key === undefined && rest.length === 1 ? findOperation(set, rest[0] ?? '', 'collection') : undefined;
  if (collectionOp) return { kind: 'operation', set, key: undefined, operation: collectionOp };
  // So does a type cast: `/{set}/microsoft.graph.x` lists the entities of that type, `/$count` counts them.
  const cast = key === undefined && rest.length > 0 ? collectionCast(set, rest[0] ?? '', model) : undefined;
  if (cast !== undefined) {
    if (rest.length === 1) return { kind: 'collection', set, cast };
    if (rest.length === 2 && same(rest[1] ?? '', '$count')) return { kind: 'count', set, cast };
    throw new GraphError('BadRequest', `The segment '${rest[1] ?? ''}' after the type cast '${cast}' is not supported: mockgraph serves the cast collection (GET, and /$count); address one entity as /${set.path}/{id}.`);
  }
  if (key === undefined && rest.length > 0 && !rest[0]?.startsWith('$')) {
    key = rest[0] ?? '';
    rest = rest.slice(1);
  }
  if (key === '') throw new GraphError('BadRequest', 'The key segment is empty.');
  if (rest.length === 0) return key === undefined ? { kind: 'collection', set } : { kind: 'entity', set, key };
  if (rest.length === 1 && same(rest[0] ?? '', '$ref')) return key === undefined ? { kind: 'collection-ref', set } : { kind: 'entity-ref', set, key };
  if (rest.length === 1 && key === undefined && same(rest[0] ?? '', '$count')) return { kind: 'count', set };
  const entityOp = key !== undefined && rest.length === 1 ? findOperation(set, rest[0] ?? '', 'entity') : undefined;
  if (entityOp) return { kind: 'operation', set, key, operation: entityOp };
  throw notFound(rest[0] ?? '');
}

/** The first segment no entity set path accounts for, for Graph's "Resource not found" message. */
function firstUnmatched(sets: readonly EntitySetModel[], segments: readonly string[]): string {
  let depth = 0;
  for (const set of sets) {
    let i = 0;
    while (i < set.segments.length - 1 && i < segments.length && same(set.segments[i] ?? '', segments[i] ?? '')) i++;
    depth = Math.max(depth, i);
  }
  return segments[depth] ?? segments[segments.length - 1] ?? '';
}

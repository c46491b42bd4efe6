import type { Instant } from './instant';
import { compareInstants, toInstant } from './instant';

/** A value read from an entity or a literal; `null` stands for absent. */
export type Value = unknown;

function walk(value: Value, segments: readonly string[]): Value {
  let v = value;
  for (const s of segments) v = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[s] : undefined;
  return v ?? null;
}

const memberIndexes = new WeakMap<readonly string[], ReadonlyMap<string, number>>();

/** The position of an enum member (OData compares and orders enum values by it); -1 for a stored non-member. */
function memberIndex(members: readonly string[], value: string): number {
  let index = memberIndexes.get(members);
  if (!index) memberIndexes.set(members, (index = new Map(members.map((m, i) => [m, i]))));
  return index.get(value) ?? -1;
}

/**
 * A value made comparable: instants for DateTimeOffset, member positions for enums, the value itself otherwise;
 * null stays null. @see OData CSDL §10 (enumeration types are ordered by their members' values)
 */
export function comparableValue(value: Value, edm: string, members?: readonly string[]): Value {
  if (value === null || value === undefined) return null;
  if (edm === 'Edm.DateTimeOffset' && typeof value === 'string') return toInstant(value) ?? null;
  if (members && typeof value === 'string') return memberIndex(members, value);
  return value;
}

/** A getter for a property path; the one-segment case (most filters) skips the loop. */
export function pathGetter(segments: readonly string[]): (value: Value) => Value {
  if (segments.length === 1) {
    const name = segments[0] ?? '';
    return (v) => (typeof v === 'object' && v !== null ? ((v as Record<string, unknown>)[name] ?? null) : null);
  }
  return (v) => walk(v, segments);
}

/** Orders two non-null comparable values of one kind. */
export function order(a: Value, b: Value): number {
  if (typeof a === 'object') return compareInstants(a as Instant, b as Instant);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

import type { MatchContext } from './match';

/** How a doc entity differs from the type the target serves, when the doc documents another version of it. */
export interface ServedTypeDifference {
  /** The doc's entity without its not-served properties. */
  doc: Record<string, unknown>;
  /** Properties the doc shows that the served type does not declare and the answer does not carry, in any casing. */
  notServed: Array<{ property: string; value: unknown }>;
  /** Properties the served type declares that the answer carries (not null) and the doc leaves out. */
  omitted: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Compares a doc entity's property names with the served type's. A property the type does not declare and the answer
 * does not carry is not served: the page documents a version of the type the target does not serve (Graph's 2018
 * ipSecurityProfile pages show `asn`, which the metadata moved to ipReferenceData). Undefined when the doc shows no
 * such property or the type is not known; instance annotations (`@odata.*`, `x@odata.type`) are never counted.
 */
export function servedTypeDifference(docValue: unknown, actualValue: unknown, odataType: string, ctx: MatchContext): ServedTypeDifference | undefined {
  if (!ctx.declares || !isObject(docValue) || !isObject(actualValue)) return undefined;
  const declares = (name: string) => ctx.declares?.(odataType, name);
  const answered = new Set(Object.keys(actualValue).map((k) => k.toLowerCase()));
  const doc: Record<string, unknown> = {};
  const notServed: ServedTypeDifference['notServed'] = [];
  for (const [property, value] of Object.entries(docValue)) {
    // A spelling difference (`Severity` for `severity`) that is answered is compared, and reported, as usual.
    if (!property.includes('@') && declares(property) === false && !answered.has(property.trim().toLowerCase())) notServed.push({ property, value });
    else doc[property] = value;
  }
  if (notServed.length === 0) return undefined;
  const omitted = Object.keys(actualValue).filter((k) => !k.includes('@') && !(k in docValue) && actualValue[k] !== null && declares(k) === true);
  return { doc, notServed, omitted };
}

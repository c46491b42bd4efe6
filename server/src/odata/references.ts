import { GraphError } from '../graph/errors';
import type { EntitySetModel, GraphModel } from '../graph/model';
import { isJsonObject } from '../json';
import type { ServiceRoot } from './annotations';
import { parseResourcePath } from './resource-path';

/** True for a `$ref` body: an object with `@odata.id` and nothing but annotations. @see OData JSON Format v4.01 §14 */
export function isReferenceBody(body: unknown): body is { '@odata.id': unknown } {
  return isJsonObject(body) && '@odata.id' in body && Object.keys(body).every((k) => k.startsWith('@'));
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Resolves an `@odata.id` (absolute, or relative to the service root) to a key of `set`.
 * Another origin or version root, or a URL that names no entity of `set`, is a 400.
 * @see OData v4.01 Protocol §11.4.6.1 (Add a Reference to a Collection-Valued Navigation Property)
 */
export function resolveReference(id: unknown, root: ServiceRoot, set: EntitySetModel, model: GraphModel): string {
  if (typeof id !== 'string' || id.trim() === '') throw new GraphError('BadRequest', '@odata.id must be a non-empty string URL.');
  const refused = (why: string) => new GraphError('BadRequest', `The @odata.id '${id}' ${why}`);
  let path: string;
  if (ABSOLUTE.test(id)) {
    let url: URL;
    try {
      url = new URL(id);
    } catch {
      throw refused('is not a valid URL.');
    }
    if (url.origin.toLowerCase() !== root.origin.toLowerCase()) throw refused(`belongs to another service root than ${root.origin}/${root.version}.`);
    path = url.pathname;
  } else {
    path = id.startsWith('/') ? id.split('?')[0] ?? id : `/${root.version}/${id.split('?')[0] ?? id}`;
  }
  let target;
  try {
    const parsed = parseResourcePath(path, model);
    if (parsed.version !== root.version) throw refused(`belongs to another service root (${parsed.version}, not ${root.version}).`);
    target = parsed.target;
  } catch (err) {
    if (err instanceof GraphError && err.message.startsWith(`The @odata.id`)) throw err;
    throw refused(`does not identify an entity of ${set.path}: ${(err as Error).message}`);
  }
  if (target.kind !== 'entity' || target.set !== set) throw refused(`does not identify a ${set.entityType} of ${set.path}.`);
  return target.key;
}

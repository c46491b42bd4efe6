import { createEntity, deleteEntity, listEntities, readEntity, updateEntity } from '../graph/entity-operations';
import type { StructuredTypeModel } from '../graph/model';
import type { ServiceRoot } from '../odata/annotations';
import { collectionContextUrl, collectionPayload, entityContextUrl, entityPayload, entityUrl, referenceContextUrl } from '../odata/annotations';
import type { MetadataLevel } from '../odata/format';
import type { Preferences } from '../odata/prefer';
import { isReferenceBody, resolveReference } from '../odata/references';
import type { ResourceTarget } from '../odata/resource-path';
import type { AppDeps } from '../options';
import type { Entity } from '../store/store';
import { HEADER } from './headers';
import type { GraphResponse } from './respond';

/** The typed input a handler works from: converted from `req` once, at the edge. */
export interface HandlerInput<T extends ResourceTarget = ResourceTarget> {
  deps: AppDeps;
  root: ServiceRoot;
  target: T;
  body: unknown;
  metadata: MetadataLevel;
  prefer: Preferences;
}

/** A handler: typed input in, a response description out. */
export type Handler<T extends ResourceTarget = ResourceTarget> = (input: HandlerInput<T>) => GraphResponse;

type Keyed = Extract<ResourceTarget, { key: string }>;

function entityTypeOf(input: HandlerInput): StructuredTypeModel {
  const type = input.deps.graph.model.resolveType(input.target.set.entityType);
  if (!type) throw new Error(`unknown entity type ${input.target.set.entityType}`);
  return type;
}

function entityResponse(input: HandlerInput, entity: Entity, status: number, headers: Record<string, string> = {}): GraphResponse {
  const { root, target, metadata, deps } = input;
  const url = entityUrl(root, target.set, entity.id);
  return { status, headers, json: entityPayload(entity, entityTypeOf(input), deps.graph.model, { metadata, context: entityContextUrl(root, target.set), url }) };
}

/** POST to the collection: 201 with the entity, or 204 with `Prefer: return=minimal`. Both carry Location. */
export const createHandler: Handler = (input) => {
  const entity = createEntity(input.deps, input.target.set, input.body);
  const location = entityUrl(input.root, input.target.set, entity.id);
  if (input.prefer.return === 'minimal') {
    return { status: 204, headers: { [HEADER.location]: location, [HEADER.odataEntityId]: location, [HEADER.preferenceApplied]: 'return=minimal' } };
  }
  return entityResponse(input, entity, 201, { [HEADER.location]: location });
};

/** GET of the collection: every entity in the collection envelope. */
export const listHandler: Handler = (input) => {
  const type = entityTypeOf(input);
  const { deps, root, target, metadata } = input;
  const value = listEntities(deps, target.set).map((e) => entityPayload(e, type, deps.graph.model, { metadata, url: entityUrl(root, target.set, e.id) }));
  return { status: 200, json: collectionPayload(collectionContextUrl(root, target.set), metadata, value) };
};

/** GET of `/$count`: the number as text/plain. @see OData URL Conventions §4.8 */
export const countHandler: Handler = (input) => ({ status: 200, text: String(listEntities(input.deps, input.target.set).length) });

/** GET of one entity. */
export const readHandler: Handler<Keyed> = (input) => entityResponse(input, readEntity(input.deps, input.target.set, input.target.key), 200);

/** PATCH: 204, or 200 with the entity under `Prefer: return=representation`. */
export const updateHandler: Handler<Keyed> = (input) => {
  const entity = updateEntity(input.deps, input.target.set, input.target.key, input.body);
  if (input.prefer.return === 'representation') return entityResponse(input, entity, 200, { [HEADER.preferenceApplied]: 'return=representation' });
  return { status: 204 };
};

/** DELETE of the entity, or of its reference (for a containment, removing the reference deletes it). */
export const deleteHandler: Handler<Keyed> = (input) => {
  deleteEntity(input.deps, input.target.set, input.target.key);
  return { status: 204 };
};

/** GET of `/$ref` on the collection: the members' absolute URLs. */
export const listReferencesHandler: Handler = (input) => {
  const { deps, root, target } = input;
  const value = listEntities(deps, target.set).map((e) => ({ '@odata.id': entityUrl(root, target.set, e.id) }));
  return { status: 200, json: collectionPayload(referenceContextUrl(root, true), input.metadata, value) };
};

/** GET of `/{id}/$ref`: the member's absolute URL. */
export const readReferenceHandler: Handler<Keyed> = (input) => {
  const { deps, root, target } = input;
  const entity = readEntity(deps, target.set, target.key);
  const id = { '@odata.id': entityUrl(root, target.set, entity.id) };
  return { status: 200, json: input.metadata === 'none' ? id : { '@odata.context': referenceContextUrl(root, false), ...id } };
};

/**
 * POST to `/$ref`. A reference body must name a member of this collection: since the collection is a
 * containment, re-adding it is an idempotent 204. Any other body is an entity representation: the page's
 * own request line is `POST /Security/ipSecurityProfiles/$ref` with the entity as body, so it creates.
 */
export const addReferenceHandler: Handler = (input) => {
  if (!isReferenceBody(input.body)) return createHandler(input);
  const key = resolveReference(input.body['@odata.id'], input.root, input.target.set, input.deps.graph.model);
  readEntity(input.deps, input.target.set, key);
  return { status: 204 };
};

import { applyPatch, toStoredEntity } from '../graph/entity-shape';
import type { EntitySetModel, StructuredTypeModel } from '../graph/model';
import type { GraphDefinition } from '../graph/registry';
import type { PreparedSeed } from '../graph/seed';
import type { ValidationProfile } from '../graph/validate';
import { requestSchemaId } from '../graph/validate';
import { isJsonObject } from '../json';
import type { JsonObject } from '../json';
import type { ServiceRoot } from '../odata/annotations';
import { collectionContextUrl, collectionPayload, entityContextUrl, entityPayload, entityUrl, operationContextUrl, referenceContextUrl, referencePayload } from '../odata/annotations';
import type { Entity } from '../store/store';

/**
 * What the examples of one entity set are about: the entity its entity-level examples name (the first the seed
 * holds, else the create example stored under an id from the type's own examples), and valid request bodies.
 */
export interface SetExamples {
  id: string;
  entity: Entity;
  /** A body the create contract accepts, when the set serves POST and one is known. */
  create: JsonObject | undefined;
  /** A body the update contract accepts. */
  update: JsonObject;
}

function examplesOf(graph: GraphDefinition, schemaId: string): unknown[] {
  const examples = graph.files.find((f) => f.id === schemaId)?.schema.examples;
  return Array.isArray(examples) ? examples : [];
}

/** The first example (of the contract, then of the type) that the contract accepts. */
function firstAccepted(graph: GraphDefinition, type: StructuredTypeModel, purpose: 'create' | 'update', profile: ValidationProfile): JsonObject | undefined {
  const candidates = [...examplesOf(graph, requestSchemaId(type.name, purpose, profile)), ...examplesOf(graph, type.schemaId)];
  for (const candidate of candidates) {
    if (!isJsonObject(candidate)) continue;
    // A create example is sent as a new entity: its id would collide with the entity it was taken from.
    const { id: _id, ...body } = candidate;
    const example = purpose === 'create' ? body : candidate;
    try {
      graph.validator.assertBody(type.name, purpose, profile, example);
      return structuredClone(example);
    } catch {
      // Not valid under this profile's contract: the next candidate.
    }
  }
  return undefined;
}

/** The examples of a set, from the seed the service starts with and the schemas' own examples. */
export function setExamples(graph: GraphDefinition, set: EntitySetModel, type: StructuredTypeModel, seed: PreparedSeed, profile: ValidationProfile): SetExamples {
  const create = set.methods.collection.includes('POST') ? firstAccepted(graph, type, 'create', profile) : undefined;
  const update = firstAccepted(graph, type, 'update', profile) ?? {};
  const seeded = seed.get(set.path)?.[0];
  if (seeded) return { id: seeded.id, entity: seeded, create, update };
  const typeId = examplesOf(graph, type.schemaId).map((e) => (isJsonObject(e) ? e.id : undefined)).find((id): id is string => typeof id === 'string' && id !== '');
  const id = typeId ?? `${type.name.slice(type.name.lastIndexOf('.') + 1)}-example`;
  return { id, entity: toStoredEntity(create ?? {}, id, type, graph.model), create, update };
}

/** The payloads the description shows, built by the same functions that build the service's responses. */
export interface PayloadExamples {
  entity: Record<string, unknown>;
  created: Record<string, unknown> | undefined;
  updated: Record<string, unknown>;
  collection: Record<string, unknown>;
  reference: Record<string, unknown>;
  references: Record<string, unknown>;
  /** The body that adds a reference to the example entity to its collection. */
  referenceBody: Record<string, unknown>;
}

/** The response examples of a set: minimal metadata, URLs below `root`. */
export function payloadExamples(graph: GraphDefinition, set: EntitySetModel, type: StructuredTypeModel, examples: SetExamples, root: ServiceRoot): PayloadExamples {
  const { model } = graph;
  const url = entityUrl(root, set, examples.id);
  const payload = (entity: Entity, context?: string) => entityPayload(entity, type, model, { metadata: 'minimal', context, url });
  return {
    entity: payload(examples.entity, entityContextUrl(root, set)),
    created: examples.create ? payload(toStoredEntity(examples.create, examples.id, type, model), entityContextUrl(root, set)) : undefined,
    updated: payload(applyPatch(examples.entity, examples.update, type, model), entityContextUrl(root, set)),
    collection: collectionPayload(collectionContextUrl(root, set), 'minimal', [payload(examples.entity)]),
    reference: referencePayload(url, referenceContextUrl(root, false)),
    references: collectionPayload(referenceContextUrl(root, true), 'minimal', [referencePayload(url)]),
    referenceBody: referencePayload(url),
  };
}

/** An operation's result as the service writes it when it returns entities of the set: a collection of them. */
export function operationResultExample(graph: GraphDefinition, type: StructuredTypeModel, examples: SetExamples, root: ServiceRoot, set: EntitySetModel): Record<string, unknown> {
  const value = [entityPayload(examples.entity, type, graph.model, { metadata: 'minimal', url: entityUrl(root, set, examples.id) })];
  return collectionPayload(operationContextUrl(root, { type: type.name, collection: true }), 'minimal', value);
}

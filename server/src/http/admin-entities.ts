import type { Request } from 'express';
import { createEntities } from '../graph/create-entities';
import { deleteEntity } from '../graph/entity-operations';
import { entitySetList, findEntitySet } from '../graph/entity-sets';
import { GraphError } from '../graph/errors';
import type { EntitySetModel } from '../graph/model';
import type { AppDeps } from '../options';
import type { Entity } from '../store/store';
import type { GraphResponse } from './respond';

/** The entity set a path names, or the admin API's 404 listing the sets there are. */
export function entitySetAt(deps: AppDeps, path: string): EntitySetModel {
  const set = findEntitySet(deps.graph.model, path);
  if (!set) throw new GraphError('ResourceNotFound', `No entity set '${path.slice(0, 200)}': the entity sets are ${entitySetList(deps.graph.model)}.`);
  return set;
}

/** The `?set=` of a request, or the first entity set when none is given. */
export function entitySetParam(deps: AppDeps, req: Request): EntitySetModel {
  const raw = req.query.set;
  if (raw === undefined) {
    const first = deps.graph.model.entitySets[0];
    if (!first) throw new GraphError('ResourceNotFound', 'This service has no entity sets.');
    return first;
  }
  if (typeof raw !== 'string') throw new GraphError('BadRequest', 'set must be given once, as an entity-set path such as security/x.');
  return entitySetAt(deps, raw);
}

/** Entity counts by entity-set path, in the model's order. */
export async function countsBySet(deps: AppDeps): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const set of deps.graph.model.entitySets) counts[set.path] = await deps.store.collection(set.path).count();
  return counts;
}

/** One page of a set's entities, as stored, in store order, without copying the rest. */
export async function pageOfSet(deps: AppDeps, set: EntitySetModel, offset: number, limit: number): Promise<{ value: Entity[]; total: number }> {
  const collection = deps.store.collection(set.path);
  const value: Entity[] = [];
  let index = 0;
  for await (const e of collection.values()) {
    if (value.length >= limit) break;
    if (index++ >= offset) value.push(e);
  }
  return { value, total: await collection.count() };
}

/**
 * `POST /_mockgraph/entities/{set path}`: one entity (answered as stored) or an array of them (answered as
 * `{ "value": [...] }`), created all or nothing under the set's create contract and the quotas, even in a set
 * whose API pages document no POST.
 */
export async function createInSet(deps: AppDeps, path: string, body: unknown): Promise<GraphResponse> {
  const set = entitySetAt(deps, path);
  if (Array.isArray(body)) return { status: 201, json: { value: await createEntities(deps, set, body, true) } };
  const [entity] = await createEntities(deps, set, [body], false);
  return { status: 201, json: entity };
}

/**
 * `DELETE /_mockgraph/entities/{set path}/{id}`: removes one entity from any entity set, even one whose API pages
 * document no DELETE (so that a contract run can leave a shared sandbox as it found it). 204, or 404.
 */
export async function deleteInSet(deps: AppDeps, segments: readonly string[]): Promise<GraphResponse> {
  const id = segments[segments.length - 1] ?? '';
  const set = entitySetAt(deps, segments.slice(0, -1).join('/'));
  await deleteEntity(deps, set, id);
  return { status: 204 };
}

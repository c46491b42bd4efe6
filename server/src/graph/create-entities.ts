import type { Entity } from '../store/store';
import { createEntity } from './entity-operations';
import type { OperationDeps } from './entity-operations';
import { GraphError } from './errors';
import type { EntitySetModel } from './model';

/** The error of item `index`, its message naming the item (`Invalid request body: [2]: countHits: …`). */
function atItem(index: number, err: unknown): unknown {
  if (!(err instanceof GraphError)) return err;
  const message = /^Invalid request body: /.test(err.message) ? err.message.replace(/^Invalid request body: /, `Invalid request body: [${index}]: `) : `[${index}]: ${err.message}`;
  return new GraphError(err.code, message, { ...err.headers });
}

/**
 * Creates entities in a set, whatever methods its API pages document, all or nothing: each body passes the
 * set's create contract and the quota checks as a POST would, and a failure removes the ones already stored.
 * With `numbered`, an error names the item it is about.
 */
export async function createEntities(deps: OperationDeps, set: EntitySetModel, bodies: readonly unknown[], numbered = true): Promise<Entity[]> {
  if (deps.store.atomically) {
    // One transaction: a failure (a quota, a lost database) keeps none of them, with nothing to undo.
    const made: Entity[] = [];
    try {
      return await deps.store.atomically(async (): Promise<Entity[]> => {
        for (const body of bodies) made.push(await createEntity(deps, set, body));
        return made;
      });
    } catch (err) {
      throw numbered ? atItem(made.length, err) : err;
    }
  }
  const created: Entity[] = [];
  try {
    for (const body of bodies) created.push(await createEntity(deps, set, body));
  } catch (err) {
    const collection = deps.store.collection(set.path);
    for (const e of created) await collection.delete(e.id);
    throw numbered ? atItem(created.length, err) : err;
  }
  return created;
}

import type { AppDeps } from '../options';
import { findBreach, groupDigits } from '../store/limits';
import type { StorageLimits } from '../store/limits';
import type { Entity, EntityCollection } from '../store/store';
import { entityBytes, storedBytes } from '../store/store';
import { GraphError } from './errors';
import type { EntitySetModel } from './model';

/** What the quota checks need: the store and the limits (`--max-entities`, `--max-data-size`). */
export type QuotaDeps = Pick<AppDeps, 'store' | 'maxEntities' | 'maxDataBytes'>;

const ADVICE = 'Delete some, or restart mockgraph with a higher';

/**
 * Refuses (507 quotaLimitReached) a create of `bytes` stored bytes that would take the entity set past
 * `--max-entities` or the store past `--max-data-size`. @see https://learn.microsoft.com/graph/errors
 */
export async function assertRoomToCreate(deps: QuotaDeps, set: EntitySetModel, collection: EntityCollection, bytes: number): Promise<{ near: boolean }> {
  const count = await collection.count();
  if (count >= deps.maxEntities) {
    throw new GraphError('quotaLimitReached', `Insufficient storage: the entity set '${set.path}' already holds ${groupDigits(count)} entities, the most that --max-entities allows (${groupDigits(deps.maxEntities)}). ${ADVICE} --max-entities.`);
  }
  const stored = await assertRoomFor(deps, bytes);
  return { near: count + NEAR_ENTITIES >= deps.maxEntities || stored + bytes + NEAR_BYTES >= deps.maxDataBytes };
}

/**
 * How close to a limit a create is "near" it: concurrent writers (other requests, other replicas) could pass
 * the limit together from there, so a store with concurrent writers checks it again under a lock.
 */
const NEAR_ENTITIES = 1000;
const NEAR_BYTES = 64 * 1024 * 1024;

/**
 * Refuses an update that grows the store past `--max-data-size`: `bytes` is the updated entity's stored size;
 * the existing one is measured only when the store would otherwise be over (a shrinking PATCH always fits).
 */
export async function assertRoomToUpdate(deps: QuotaDeps, existing: Entity, bytes: number): Promise<void> {
  if ((await deps.store.dataBytes()) + bytes <= deps.maxDataBytes) return;
  await assertRoomFor(deps, bytes - storedBytes(JSON.stringify(existing)));
}

/** Refuses a write that adds `added` bytes past --max-data-size; answers the bytes stored now. */
async function assertRoomFor(deps: QuotaDeps, added: number): Promise<number> {
  const stored = await deps.store.dataBytes();
  if (added <= 0 || stored + added <= deps.maxDataBytes) return stored;
  throw new GraphError(
    'quotaLimitReached',
    `Insufficient storage: this write would take the stored data to ${groupDigits(stored + added)} bytes, past the ${groupDigits(deps.maxDataBytes)} bytes that --max-data-size allows (${groupDigits(stored)} bytes are stored now). ${ADVICE} --max-data-size.`,
  );
}

function reason(breach: ReturnType<typeof findBreach>): string | undefined {
  return breach && `over a storage limit: ${breach.problem}; raise ${breach.flag}`;
}

/**
 * At start-up: why the store's content (a data file, or the seed just applied) is over the limits, in one
 * line, or undefined. Counts only: no entity is serialised.
 */
export async function storeOverLimits(deps: QuotaDeps & Pick<AppDeps, 'graph'>): Promise<string | undefined> {
  const counts: Array<readonly [string, number]> = [];
  for (const set of deps.graph.model.entitySets) counts.push([set.path, await deps.store.collection(set.path).count()]);
  return reason(findBreach(counts, await deps.store.dataBytes(), deps));
}

/** Why `contents` (what a reset would store, e.g. the seed in every entity set) is over the limits, or undefined. */
export function contentsOverLimits(contents: ReadonlyMap<string, readonly Entity[]>, limits: StorageLimits): string | undefined {
  let bytes = 0;
  for (const entities of contents.values()) for (const e of entities) bytes += entityBytes(e);
  return reason(findBreach([...contents].map(([path, entities]) => [path, entities.length] as const), bytes, limits));
}

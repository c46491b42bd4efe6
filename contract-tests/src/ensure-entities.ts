import { findEntitySet, findOperation, loadGraphDefinition } from '../../server/src/index';
import { bodiesFor } from './create-bodies';
import { createWithFirst } from './create-entity';
import { isMockgraph } from './mockgraph-target';
import { PLACEHOLDER, pathOnly } from './paths';
import type { HttpTarget } from './replay';
import { ADMIN_ENTITIES, adminAuth, isObject, setPathOf } from './setup';
import type { SetupOptions } from './setup';

/**
 * The entity a path addresses by a literal key (`…/secureScoreControlProfiles/AdminMFA`, or the entity an
 * entity-bound action is called on, `…/bookingBusinesses/Contoso@x.com/publish`) in a set the schemas know.
 */
function literalEntityOf(path: string, options: SetupOptions): { collection: string; key: string } | undefined {
  const graph = options.graph ?? loadGraphDefinition();
  const parts = pathOnly(path).split('/');
  const boundTo = findEntitySet(graph.model, setPathOf(parts.slice(0, -2).join('/')));
  const onEntity = boundTo !== undefined && findOperation(boundTo, parts[parts.length - 1] ?? '', 'entity') !== undefined;
  const keyed = onEntity ? parts.slice(0, -1) : parts;
  const segment = keyed.pop() ?? '';
  if (segment === '' || segment.startsWith('$') || segment.includes('(') || PLACEHOLDER.test(segment)) return undefined;
  const collection = keyed.join('/');
  const set = findEntitySet(graph.model, setPathOf(collection));
  const key = decodeURIComponent(segment);
  // A bound operation's segment (`…/tiIndicators/deleteTiIndicators`) is not a key.
  if (!set || findOperation(set, segment) !== undefined) return undefined;
  return { collection, key };
}

/**
 * Against a mockgraph, makes sure the entity that a successful example addresses by a literal key exists (the doc's
 * tenant has it; a fresh mock does not), through the admin API. Best effort: a refusal leaves the case to fail on
 * its own answer.
 */
export async function ensureLiteralEntity(method: string, path: string, shown: unknown, target: HttpTarget, options: SetupOptions): Promise<void> {
  const addressed = ['GET', 'PATCH', 'DELETE', 'POST'].includes(method) ? literalEntityOf(path, options) : undefined;
  if (!addressed || !(await isMockgraph(target))) return;
  await createWithFirst(target, ADMIN_ENTITIES + setPathOf(addressed.collection), adminAuth(options), bodiesFor(addressed.collection, options, shown, addressed.key), addressed.collection, options.created).catch(() => undefined);
}

/** The items a response shows (`value` of a collection, or the body itself). */
function shownItems(shown: unknown): unknown[] {
  return isObject(shown) && Array.isArray(shown.value) ? shown.value : [shown];
}

/**
 * Against a mockgraph, makes sure the entities a bulk action's body names by key exist (`POST …/updateTiIndicators`
 * with `{"value": [{"id": "c6fb…", …}]}`): each is created through the admin API, from the item the response shows
 * with the same key when there is one. Best effort, as {@link ensureLiteralEntity}.
 */
export async function ensureBodyEntities(path: string, body: unknown, shown: unknown, target: HttpTarget, options: SetupOptions): Promise<void> {
  const parts = pathOnly(path).split('/');
  const operation = parts.pop() ?? '';
  const collection = parts.join('/');
  const graph = options.graph ?? loadGraphDefinition();
  const set = findEntitySet(graph.model, setPathOf(collection));
  if (!set || !findOperation(set, operation, 'collection')) return;
  const keyName = graph.model.resolveType(set.entityType)?.key ?? 'id';
  const items = isObject(body) ? Object.values(body).find(Array.isArray) : undefined;
  const keys = (items ?? []).flatMap((item) => (isObject(item) && typeof item[keyName] === 'string' ? [item[keyName] as string] : []));
  if (keys.length === 0 || !(await isMockgraph(target))) return;
  for (const key of keys) {
    const match = shownItems(shown).find((s) => isObject(s) && s[keyName] === key);
    await createWithFirst(target, ADMIN_ENTITIES + set.path, adminAuth(options), bodiesFor(collection, options, match, key), collection, options.created).catch(() => undefined);
  }
}

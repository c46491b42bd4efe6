import { findEntitySet, findOperation, loadGraphDefinition } from '../../server/src/index';
import { isMockgraph } from './mockgraph-target';
import { pathOnly, withoutRef } from './paths';
import type { HttpTarget } from './replay';
import { ADMIN_ENTITIES, adminAuth, isObject, setPathOf } from './setup';
import type { CreatedEntity, SetupOptions } from './setup';

/**
 * Deletes what a run created, newest first: through Graph (`DELETE {collection}/{id}`), else, against a mockgraph,
 * through its admin API (a set whose pages document no DELETE). Answers what could not be deleted, with why.
 */
export async function deleteCreated(target: HttpTarget, created: readonly CreatedEntity[], options: SetupOptions): Promise<{ deleted: number; left: string[] }> {
  const left: string[] = [];
  let deleted = 0;
  const seen = new Set<string>();
  for (const { path, id } of [...created].reverse()) {
    const admin = path.startsWith(ADMIN_ENTITIES);
    const setPath = admin ? path.slice(ADMIN_ENTITIES.length) : setPathOf(path);
    const key = `${setPath.toLowerCase()}\0${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // The JSON content type is what the admin API's cross-site guard asks of a caller without a token.
    const viaAdmin = () => target({ method: 'DELETE', path: `${ADMIN_ENTITIES}${setPath}/${encodeURIComponent(id)}`, headers: { 'Content-Type': 'application/json', ...adminAuth(options) }, body: undefined });
    let res = admin ? await viaAdmin() : await target({ method: 'DELETE', path: `${pathOnly(path)}/${encodeURIComponent(id)}`, headers: { Authorization: `Bearer ${options.token ?? 'mockgraph-contract-test'}` }, body: undefined });
    if (!admin && res.status === 405 && (await isMockgraph(target))) res = await viaAdmin();
    // Already gone (a DELETE example removed it) counts as cleaned up.
    if (res.status < 300 || res.status === 404) deleted++;
    else left.push(`${setPath}/${id}: DELETE answered ${res.status}`);
  }
  return { deleted, left };
}

/**
 * Records the entities a replayed example made, for {@link deleteCreated}: `POST {collection}` answered 201 with an
 * id, or a collection-bound action answered 200 with entities whose ids its request did not name (`submit…`
 * creates them; `update…` names the ones it changes, which stay).
 */
export function recordCreatedExample(method: string, path: string, status: number, bodyText: string, sentBody: string | undefined, options: SetupOptions): void {
  if (!options.created || method !== 'POST' || (status !== 201 && status !== 200)) return;
  const graph = options.graph ?? loadGraphDefinition();
  const target = withoutRef(pathOnly(path));
  const parts = target.split('/');
  const operation = parts.pop() ?? '';
  const bound = findEntitySet(graph.model, setPathOf(parts.join('/')));
  const isAction = bound !== undefined && findOperation(bound, operation, 'collection') !== undefined;
  const collection = isAction ? parts.join('/') : target;
  if (!isAction && (status !== 201 || !findEntitySet(graph.model, setPathOf(collection)))) return;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return; // No JSON body (Prefer: return=minimal): nothing to record by id.
  }
  const items = isAction ? (isObject(body) && Array.isArray(body.value) ? body.value : []) : [body];
  for (const item of items) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id === 'string' && !(isAction && (sentBody ?? '').includes(JSON.stringify(id)))) options.created.push({ path: collection, id });
  }
}

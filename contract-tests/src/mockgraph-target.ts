import { findEntitySet, findOperation, loadGraphDefinition } from '../../server/src/index';
import { pathOnly } from './paths';
import type { HttpTarget } from './replay';
import { setPathOf, SetupSkipped } from './setup';
import type { SetupOptions } from './setup';

const targetSets = new WeakMap<HttpTarget, Promise<string[] | undefined>>();

/**
 * The entity sets a mockgraph target serves (its `GET /_mockgraph/health`), or undefined when the target is not a
 * mockgraph. Asked once per target.
 */
export function mockgraphSets(target: HttpTarget): Promise<string[] | undefined> {
  let known = targetSets.get(target);
  if (!known) {
    known = target({ method: 'GET', path: '/_mockgraph/health', headers: {}, body: undefined }).then((res) => {
      try {
        const body = JSON.parse(res.bodyText) as Record<string, unknown>;
        const sets = body.entitySets;
        const shaped = body.live === true && typeof body.revision === 'number' && typeof body.store === 'string' && typeof sets === 'object' && sets !== null;
        return shaped ? Object.keys(sets as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    });
    // A target that cannot be reached is a failure of the case, asked again next time, not a verdict.
    known.catch(() => targetSets.delete(target));
    targetSets.set(target, known);
  }
  return known;
}

/** True when the target is a mockgraph: its `GET /_mockgraph/health` answers mockgraph's shape. */
export async function isMockgraph(target: HttpTarget): Promise<boolean> {
  return (await mockgraphSets(target)) !== undefined;
}

/**
 * Against a mockgraph, SetupSkipped when the request addresses no entity set it serves (a page about a resource
 * whose schemas it was not given): that is "not served", not a contract failure.
 */
export async function assertServed(path: string, target: HttpTarget, options: SetupOptions = {}): Promise<void> {
  const sets = await mockgraphSets(target);
  if (!sets) return;
  const below = setPathOf(path);
  // Service-level resources ($batch, $metadata) are no entity set's.
  if (below.startsWith('$')) return;
  const model = (options.graph ?? loadGraphDefinition()).model;
  const segments = below.split('/');
  for (let n = segments.length; n > 0; n--) {
    const prefix = segments.slice(0, n).join('/');
    // The set itself, or an alias of it (its schemas name the old and the new path), when the target serves it.
    const set = findEntitySet(model, prefix);
    const served = sets.find((s) => s.toLowerCase() === (set?.path ?? prefix).toLowerCase());
    if (!served) continue;
    const tail = segments.slice(n);
    if (tail.length <= 1 || (tail.length === 2 && ((tail[1] ?? '').startsWith('$') || (set !== undefined && findOperation(set, tail[1] ?? '') !== undefined)))) return;
    throw new SetupSkipped(`not served: ${pathOnly(path)} goes below an entity of ${served} (a navigation property or a nested collection, '${tail[1] ?? ''}'), which mockgraph does not serve`);
  }
  throw new SetupSkipped(`not served: ${pathOnly(path)} is in none of the target's entity sets (${sets.join(', ')}); give its schemas with --schemas (the target serves them with mockgraph serve --schemas)`);
}

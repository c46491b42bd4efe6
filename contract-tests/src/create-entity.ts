import { loadGraphDefinition } from '../../server/src/index';
import { bodiesFor } from './create-bodies';
import type { DocPage } from './doc-page';
import { isMockgraph } from './mockgraph-target';
import { pathOnly, sameShape, withoutRef } from './paths';
import type { HttpTarget } from './replay';
import { normalizeExampleUrl } from './replay';
import { ADMIN_ENTITIES, adminAuth, setPathOf, SetupSkipped } from './setup';
import type { CreatedEntity, SetupOptions } from './setup';

/** The collection path of a request path: without its query and a trailing `/$ref`. */
const collectionPath = (url: string, serviceRoot: string | undefined) => withoutRef(pathOnly(normalizeExampleUrl(url, serviceRoot)));

/** True when one of the pages documents creating in `collection`: a POST example or HTTP request line on it (or its `$ref`). */
export function documentsPost(pages: readonly DocPage[], collection: string, serviceRoot?: string): boolean {
  return pages.some(
    (page) =>
      page.examples.some((e) => e.request.method === 'POST' && sameShape(collectionPath(e.request.url, serviceRoot), collection)) ||
      page.httpRequestLines.some((l) => l.method === 'POST' && sameShape(collectionPath(l.url, serviceRoot), collection)),
  );
}

/** The page's own create example for a collection path, if it has one (a POST whose path is the collection). */
function createBodyFor(page: DocPage, collection: string, options: SetupOptions): string | undefined {
  const create = page.examples.find((e) => e.replayable && e.request.method === 'POST' && sameShape(pathOnly(normalizeExampleUrl(e.request.url, options.serviceRoot)), collection));
  return create?.request.bodyText;
}

/** POSTs each body in turn until one is created (201 with a string id); the last refusal is the error. */
export async function createWithFirst(target: HttpTarget, path: string, headers: Record<string, string>, bodies: readonly string[], what: string, created?: CreatedEntity[]): Promise<string> {
  if (bodies.length === 0) throw new Error(`no create example on the page and no body for ${what}`);
  let refusal = '';
  for (const body of bodies) {
    const res = await target({ method: 'POST', path, headers: { 'Content-Type': 'application/json', ...headers }, body });
    let id: unknown;
    try {
      id = (JSON.parse(res.bodyText) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (res.status === 201 && typeof id === 'string') {
      created?.push({ path, id });
      return id;
    }
    refusal = `setup: POST ${path} answered ${res.status}: ${res.bodyText.slice(0, 300)}`;
    if (res.status !== 400) break;
  }
  throw new Error(refusal);
}

/**
 * Creates an entity in `collection` and returns its id: by the page's own create example, else (when the run's
 * pages document a POST there) a seed, example or generated body POSTed to it, else, against a mockgraph,
 * through its admin API (`POST /_mockgraph/entities/{set}`). Against another server that last case is
 * SetupSkipped: nothing documented can create the entity.
 */
export async function createEntityFor(page: DocPage, collection: string, target: HttpTarget, options: SetupOptions, shown?: unknown): Promise<string> {
  const graphAuth = { Authorization: `Bearer ${options.token ?? 'mockgraph-contract-test'}` };
  const own = createBodyFor(page, collection, options);
  // The page's own create body first; one its create contract refuses falls back to the bodies below.
  if (own !== undefined) return createWithFirst(target, collection, graphAuth, [own, ...bodiesFor(collection, options, shown)], collection, options.created);
  if (documentsPost(options.pages ?? [page], collection, options.serviceRoot)) return createWithFirst(target, collection, graphAuth, bodiesFor(collection, options, shown), collection, options.created);
  if (!(await isMockgraph(target))) {
    throw new SetupSkipped(`setup: the pages document no POST for ${collection} and the target is not a mockgraph (GET /_mockgraph/health does not answer like one), so no entity can be created for the example to address`);
  }
  return createWithFirst(target, ADMIN_ENTITIES + setPathOf(collection), adminAuth(options), bodiesFor(collection, options, shown), collection, options.created);
}

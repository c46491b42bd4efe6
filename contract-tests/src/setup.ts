import { VALIDATION_PROFILES, entityExample, findEntitySet, findOperation, generateEntities, loadGraphDefinition, requestSchemaId } from '../../server/src/index';
import type { GraphDefinition } from '../../server/src/index';
import type { DocPage } from './load';
import { PLACEHOLDER, pathOnly, sameShape, withoutRef } from './paths';
import type { HttpTarget, ReplayOptions } from './replay';
import { normalizeExampleUrl, VERSION_ROOTS } from './replay';

/** Why a case cannot be set up against this target; the case is reported as skipped with this reason, not failed. */
export class SetupSkipped extends Error {}

/** What setting up a case may use, besides the replay options. */
export interface SetupOptions extends ReplayOptions {
  /** A body to create entities with when a page has no create example (tried before the schemas' bodies). */
  seedBody?: unknown;
  /** The pages of the run: a collection documents a POST when one of them does (default: the case's own page). */
  pages?: readonly DocPage[];
  /** The schemas the target serves, for example and generated bodies (default: mockgraph's schemas/). */
  graph?: GraphDefinition;
  /** The bearer token of mockgraph's admin API (`--admin-token`), when the target needs one. */
  adminToken?: string;
  /** When given, every entity the run creates (setup, and created examples) is recorded here, to be deleted after. */
  created?: CreatedEntity[];
}

/** An entity a run created: the path it was POSTed to (a collection, or the admin API's set path) and its id. */
export interface CreatedEntity {
  path: string;
  id: string;
}

/** mockgraph's admin API, which creates entities in any entity set. */
const ADMIN_ENTITIES = '/_mockgraph/entities/';

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

/** The entity-set path of a collection path: below the version root (`/beta/security/x` → `security/x`). */
function setPathOf(collection: string): string {
  const segments = pathOnly(collection).split('/').filter((s) => s !== '');
  return (VERSION_ROOTS.includes((segments[0] ?? '').toLowerCase()) ? segments.slice(1) : segments).join('/');
}

/** The entity a doc response shows (not a collection, not an error), as a create body: without its instance annotations. */
function shownEntity(shown: unknown): Record<string, unknown> | undefined {
  if (typeof shown !== 'object' || shown === null || Array.isArray(shown) || Array.isArray((shown as { value?: unknown }).value)) return undefined;
  return Object.fromEntries(Object.entries(shown).filter(([k]) => !k.includes('@') || k === '@odata.type'));
}

/** The type's example over a generated entity: a valid value for every property, taken when a page's value is refused. */
function validValues(graph: GraphDefinition, set: { path: string; entityType: string }): Record<string, unknown> {
  return { ...generateEntities(graph, set.path, 1, 7)[0], ...entityExample(graph, set.entityType) };
}

/**
 * The shown entity with the values its schema refuses (Graph's placeholders such as `"tlpLevel": "tlpLevel-value"`)
 * taken from the type's example instead, so that the rest of what the page shows can still be created and matched.
 */
function repairedEntity(graph: GraphDefinition, set: { path: string; entityType: string }, entity: Record<string, unknown>): Record<string, unknown> {
  const base = validValues(graph, set);
  // Checked against the type and its create contracts (read-only, required): the target's profile is not known here.
  const schemas = [graph.model.resolveType(set.entityType)?.schemaId, ...VALIDATION_PROFILES.map((p) => requestSchemaId(set.entityType, 'create', p))];
  // A property that may not be null is given the base's value when the page leaves it out: a server would answer null.
  const type = graph.model.resolveType(set.entityType);
  const missing = (type?.properties ?? []).filter((p) => !p.nullable && !p.collection && !p.readOnly && p.name !== type?.key && !(p.name in entity) && p.name in base);
  let repaired: Record<string, unknown> = { ...Object.fromEntries(missing.map((p) => [p.name, base[p.name]])), ...entity };
  for (const id of schemas.filter((x): x is string => x !== undefined && graph.files.some((f) => f.id === x))) repaired = graph.validator.repairProperties(id, repaired, (name) => base[name]).value;
  return repaired;
}

/**
 * Bodies to create an entity of a collection with, best first: the entity the example's response shows (so that
 * the replayed answer can match it), the same with its refused values taken from the type's example, the seed body, the type's schema example, a generated one. Each has no key,
 * or `key` when one is wanted.
 */
function bodiesFor(collection: string, options: SetupOptions, shown?: unknown, key?: string): string[] {
  const graph = options.graph ?? loadGraphDefinition();
  const set = findEntitySet(graph.model, setPathOf(collection));
  const entity = shownEntity(shown);
  const candidates: unknown[] = [entity];
  if (set && entity) candidates.push(repairedEntity(graph, set, entity));
  candidates.push(options.seedBody);
  if (set) candidates.push(entityExample(graph, set.entityType), generateEntities(graph, set.path, 1, 7)[0]);
  const keyName = (set && graph.model.resolveType(set.entityType)?.key) ?? 'id';
  return candidates
    .filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b))
    .map((b) => Object.fromEntries([...Object.entries(b).filter(([k]) => k !== keyName), ...(key === undefined ? [] : [[keyName, key]])]))
    .map((b) => JSON.stringify(b));
}

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

/** POSTs each body in turn until one is created (201 with a string id); the last refusal is the error. */
async function createWithFirst(target: HttpTarget, path: string, headers: Record<string, string>, bodies: readonly string[], what: string, created?: CreatedEntity[]): Promise<string> {
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

function adminAuth(options: SetupOptions): Record<string, string> {
  return options.adminToken === undefined ? {} : { Authorization: `Bearer ${options.adminToken}` };
}

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** The request contract a replayed body is written against: the create contract of a collection, the update contract of an entity. */
function contractOf(graph: GraphDefinition, method: string, path: string): string | undefined {
  const segments = pathOnly(path).split('/');
  const candidates = method === 'POST' ? [{ collection: segments.join('/'), purpose: 'create' as const }] : method === 'PATCH' ? [{ collection: segments.slice(0, -1).join('/'), purpose: 'update' as const }] : [];
  for (const { collection, purpose } of candidates) {
    const set = findEntitySet(graph.model, setPathOf(collection));
    if (!set) continue;
    const ids = [requestSchemaId(set.entityType, purpose, 'metadata'), graph.model.resolveType(set.entityType)?.schemaId];
    return ids.find((id) => id !== undefined && graph.files.some((f) => f.id === id));
  }
  return undefined;
}

/**
 * A doc request body with the values its schema refuses replaced by valid ones (Graph's pages write
 * `"controlStateUpdates": "controlStateUpdates-value"` for a collection): a server would refuse the page's body as
 * written, so the replay sends what the example stands for, and says so in a note.
 */
export function repairRequestBody(method: string, path: string, body: string | undefined, options: SetupOptions): { body: string | undefined; notes: string[] } {
  if (body === undefined) return { body, notes: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { body, notes: [] };
  }
  const graph = options.graph ?? loadGraphDefinition();
  const schemaId = contractOf(graph, method, path);
  if (!schemaId || !isObject(parsed)) return { body, notes: [] };
  const set = findEntitySet(graph.model, setPathOf(method === 'POST' ? pathOnly(path) : pathOnly(path).split('/').slice(0, -1).join('/')));
  const base = set ? validValues(graph, set) : {};
  // Only refused values are mended: a required property the page leaves out stays out (the server's answer tells).
  const refused = new Set(graph.validator.invalidProperties(schemaId, parsed));
  if (refused.size === 0) return { body, notes: [] };
  const { value, changed } = graph.validator.repairProperties(schemaId, parsed, (name) => (refused.has(name) ? base[name] : undefined));
  const mended = changed.filter((n) => refused.has(n));
  return { body: JSON.stringify(value), notes: mended.map((n) => `the doc's request body has a value for '${n}' that ${schemaId} refuses (a placeholder); it was ${n in value ? "sent with the type's example value" : 'left out'}`) };
}

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

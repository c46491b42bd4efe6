import { VALIDATION_PROFILES, entityExample, findEntitySet, generateEntities, loadGraphDefinition, requestSchemaId } from '../../server/src/index';
import type { GraphDefinition } from '../../server/src/index';
import { setPathOf } from './setup';
import type { SetupOptions } from './setup';

/** The entity a doc response shows (not a collection, not an error), as a create body: without its instance annotations. */
function shownEntity(shown: unknown): Record<string, unknown> | undefined {
  if (typeof shown !== 'object' || shown === null || Array.isArray(shown) || Array.isArray((shown as { value?: unknown }).value)) return undefined;
  return Object.fromEntries(Object.entries(shown).filter(([k]) => !k.includes('@') || k === '@odata.type'));
}

/** The type's example over a generated entity: a valid value for every property, taken when a page's value is refused. */
export function validValues(graph: GraphDefinition, set: { path: string; entityType: string }): Record<string, unknown> {
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
export function bodiesFor(collection: string, options: SetupOptions, shown?: unknown, key?: string): string[] {
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

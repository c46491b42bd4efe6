import { findEntitySet, loadGraphDefinition, requestSchemaId } from '../../server/src/index';
import type { GraphDefinition } from '../../server/src/index';
import { validValues } from './create-bodies';
import { pathOnly } from './paths';
import { isObject, setPathOf } from './setup';
import type { SetupOptions } from './setup';

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

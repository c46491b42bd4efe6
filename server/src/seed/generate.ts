import { entitySetList, findEntitySet } from '../graph/entity-sets';
import type { GraphDefinition } from '../graph/registry';
import { loadGraphDefinition } from '../graph/registry';
import { createDraw } from './draw';
import { StructuredMaker } from './values';

export { seededRandom } from './draw';

const DAY_MS = 86_400_000;
/** Generated entities are about times from 2024-01-01 over about two years. */
const EPOCH = Date.UTC(2024, 0, 1);

/** True when the type's schema (or a base's) declares `@odata.type`, so a body may carry it. */
function declaresODataType(graph: GraphDefinition, schemaIds: readonly string[]): boolean {
  return schemaIds.some((id) => graph.files.find((f) => f.id === id)?.schema.properties?.['@odata.type'] !== undefined);
}

/**
 * `count` realistic entities for the entity set at `setPath`, deterministic for a seed (same seed, same bytes)
 * and valid under both validation profiles. Values follow each property's Edm type and what its name says
 * (addresses, cities, URLs, e-mail, date-times…); documented values and enum members are picked from. Keys are
 * fixed (`seed-<seed>-<n>`) so runs can refer to them; `@odata.type` names the type when its schema allows it.
 */
export function generateEntities(graph: GraphDefinition, setPath: string, count: number, seed = 1): Record<string, unknown>[] {
  const set = findEntitySet(graph.model, setPath);
  if (!set) throw new Error(`no entity set '${setPath}' (the entity sets are: ${entitySetList(graph.model)})`);
  const type = graph.model.resolveType(set.entityType);
  if (!type) throw new Error(`entity set ${set.path} names unknown type ${set.entityType}`);
  const chain = [];
  for (let t: typeof type | undefined = type; t; t = t.baseType ? graph.model.resolveType(t.baseType) : undefined) chain.push(t.schemaId);
  const odataType = declaresODataType(graph, chain) ? `#${type.name}` : undefined;
  const key = type.key ?? 'id';
  const maker = new StructuredMaker(graph);
  const plan = maker.plan(type, 0);
  const draw = createDraw(seed);
  const out: Record<string, unknown>[] = [];
  for (let n = 0; n < count; n++) {
    const at = EPOCH + draw.int(0, 700) * DAY_MS;
    const entity: Record<string, unknown> = odataType === undefined ? {} : { '@odata.type': odataType };
    entity[key] = `seed-${seed}-${n + 1}`;
    out.push(maker.fill(plan, draw, at, entity));
  }
  return out;
}

/** `generateEntities` for the first entity set of schemas/ (what the query tests and benches page and filter). */
export function generateProfiles(count: number, seed = 1): Record<string, unknown>[] {
  const graph = loadGraphDefinition();
  const first = graph.model.entitySets[0];
  if (!first) throw new Error('schemas/ declares no entity set');
  return generateEntities(graph, first.path, count, seed);
}

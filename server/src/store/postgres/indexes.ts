import { createHash } from 'node:crypto';
import type { GraphModel, StructuredTypeModel } from '../../graph/model';
import { parseOrderBy } from '../../odata/query/parse';
import type { IndexSpec } from './sql-query';

/** Edm types whose values are compared by range and sorted by in the documented query patterns. */
const RANGED = new Set(['Edm.DateTimeOffset', 'Edm.Date', 'Edm.Int32', 'Edm.Int64', 'Edm.Double', 'Edm.Decimal']);

/** A name for an index that is valid SQL and stable across starts (so IF NOT EXISTS finds it again). */
function indexName(set: string, what: string): string {
  const hash = createHash('sha256').update(`${set}\n${what}`).digest('hex').slice(0, 10);
  const readable = what.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);
  return `mg_${hash}_${readable}`.replace(/_+$/, '');
}

function btree(set: string, type: StructuredTypeModel, model: GraphModel, orderby: string): IndexSpec {
  return { kind: 'btree', name: indexName(set, orderby), keys: parseOrderBy(orderby, type, model) };
}

/**
 * The indexes mockgraph creates for an entity type, from the shapes of Graph's documented queries on it:
 * `$filter` by equality on a property of a single complex value (`vendorInformation/provider eq 'X'`), by range
 * and `$orderby` on a date-time or number (`lastSeenDateTime desc`), and `any()` over a collection of strings
 * (`tags/any(t: t eq 'x')`, GIN). The key is the table's primary key. Top-level strings are not indexed: a
 * `$filter` on them is served by a scan of one entity set, and every index slows every write.
 */
export function indexesOf(set: string, type: StructuredTypeModel, model: GraphModel): IndexSpec[] {
  const specs: IndexSpec[] = [];
  for (const p of type.properties) {
    if (p.name === type.key) continue;
    if (!p.collection && RANGED.has(p.type)) specs.push(btree(set, type, model, p.name));
    else if (p.collection && p.type === 'Edm.String') specs.push({ kind: 'gin', name: indexName(set, `${p.name} any`), collection: [p.name] });
    else if (!p.collection && p.complex) {
      const complex = model.resolveType(p.type);
      for (const inner of complex?.properties ?? []) if (!inner.collection && inner.type === 'Edm.String') specs.push(btree(set, type, model, `${p.name}/${inner.name}`));
    }
  }
  return specs;
}

/** The indexes of every entity set of the model (for `--data postgres://…`). */
export function defaultIndexes(model: GraphModel): Array<IndexSpec & { set: string }> {
  return model.entitySets.flatMap((set) => {
    const type = model.resolveType(set.entityType);
    return type ? indexesOf(set.path, type, model).map((spec) => ({ ...spec, set: set.path })) : [];
  });
}

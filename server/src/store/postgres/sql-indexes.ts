import type { GraphModel } from '../../graph/model';
import type { OrderKey } from '../../odata/query/ast';
import { propertyLiteral } from './sql-params';
import { orderKeySql } from './sql-order';
import { BODY, SEQ } from './sql-values';

/**
 * An index the store creates. `btree`: the entity set, then the keys (as `$orderby` keys: parseOrderBy's output),
 * then `seq`; it serves `eq`, `in` and ranges on a key with every key before it fixed, and `$orderby` on the keys in
 * these directions. `gin`: a collection's JSONB (jsonb_path_ops), for `any(x: x eq '…')` and `any(c: c/p eq '…')`.
 */
export type IndexSpec = ({ kind: 'btree'; name: string; keys: readonly OrderKey[] } | { kind: 'gin'; name: string; collection: readonly string[] }) & {
  /** Index only the rows of this entity set (a partial index: writes to other sets do not pay for it). */
  set?: string;
};

/** An entity-set path that is safe to write into SQL as a literal (it cannot be a parameter of a DDL statement). */
const SET_PATH = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/;

function onlyOf(spec: IndexSpec): string {
  if (spec.set === undefined) return '';
  if (!SET_PATH.test(spec.set)) throw new Error(`'${spec.set}' is not an entity-set path mockgraph writes into SQL`);
  return ` WHERE entity_set = '${spec.set}'`;
}

const INDEX_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The statements that create the indexes (IF NOT EXISTS: idempotent), on the compiled queries' own expressions. With
 * the model, every property name is checked against it; names are OData identifiers in any case.
 */
export function indexStatements(specs: readonly IndexSpec[], options: { model?: GraphModel; table?: string } = {}): string[] {
  const { model, table = 'mockgraph_entities' } = options;
  if (!INDEX_NAME.test(table)) throw new Error(`'${table}' is not a table name mockgraph writes into SQL`);
  return specs.map((spec) => {
    if (!INDEX_NAME.test(spec.name)) throw new Error(`'${spec.name}' is not an index name mockgraph writes into SQL`);
    if (spec.kind === 'gin') {
      const json = spec.collection.reduce((sql, name) => `${sql} -> ${propertyLiteral(name, model)}`, BODY);
      return `CREATE INDEX IF NOT EXISTS ${spec.name} ON ${table} USING gin ((${json}) jsonb_path_ops)${onlyOf(spec)}`;
    }
    const keys = spec.keys.map((k) => orderKeySql(k, model)).map((k) => `(${k.sql})${k.descending ? ' DESC' : ''}`);
    return `CREATE INDEX IF NOT EXISTS ${spec.name} ON ${table} (entity_set, ${keys.join(', ')}, ${SEQ})${onlyOf(spec)}`;
  });
}

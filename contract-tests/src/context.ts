import type { GraphDefinition } from '../../server/src/index';
import type { MatchContext } from './match';

/** The matcher's view of mockgraph's schemas: validate by `@odata.type`, know which properties are keys. */
export function matchContextFor(graph: GraphDefinition): MatchContext {
  const keyProperties = new Set(graph.model.types.flatMap((t) => (t.key ? [t.key] : [])));
  return {
    keyProperties,
    validateBody(odataType, body) {
      const type = graph.model.resolveType(odataType);
      if (!type) return [`no schema describes the type '${odataType}'`];
      return graph.validator.check(type.schemaId, body);
    },
  };
}

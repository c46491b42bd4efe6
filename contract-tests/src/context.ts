import type { GraphDefinition } from '../../server/src/index';
import type { MatchContext } from './match';

/** The matcher's view of mockgraph's schemas: validate by `@odata.type`, know which properties are keys. */
export function matchContextFor(graph: GraphDefinition): MatchContext {
  const keyProperties = new Set(graph.model.types.flatMap((t) => (t.key ? [t.key] : [])));
  return {
    keyProperties,
    validateBody(odataType, body) {
      const schemaId = graph.model.resolveType(odataType)?.schemaId ?? graph.files.find((f) => f.id === odataType)?.id;
      if (!schemaId) return [`no schema describes the type '${odataType}'`];
      return graph.validator.check(schemaId, body);
    },
  };
}

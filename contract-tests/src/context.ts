import type { GraphDefinition } from '../../server/src/index';
import type { MatchContext } from './match';

/** The matcher's view of mockgraph's schemas: validate by `@odata.type`, know which properties are keys. */
export function matchContextFor(graph: GraphDefinition): MatchContext {
  const keyProperties = new Set(graph.model.types.flatMap((t) => (t.key ? [t.key] : [])));
  return {
    keyProperties,
    validateBody(odataType, body) {
      const schemaId = graph.model.resolveType(odataType)?.schemaId ?? graph.files.find((f) => f.id === odataType)?.id;
      // A type mockgraph has no schema for (another page's resource) is not validated: the replay still checks the rest.
      if (!schemaId) return [];
      return graph.validator.check(schemaId, body);
    },
  };
}

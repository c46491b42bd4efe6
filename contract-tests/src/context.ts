import type { GraphDefinition } from '../../server/src/index';
import type { MatchContext } from './match';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A body without its instance annotations (`@odata.context`, `@odata.etag`, `name@odata.type`, …), at every depth:
 * they are control information, not properties, so a closed type's schema does not declare them. `@odata.type`
 * stays, since the schemas check it.
 * @see https://docs.oasis-open.org/odata/odata-json-format/v4.01/odata-json-format-v4.01.html#sec_ControlInformation
 */
export function withoutAnnotations(value: unknown, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => withoutAnnotations(v, depth + 1));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k === '@odata.type' || !k.includes('@')).map(([k, v]) => [k, withoutAnnotations(v, depth + 1)]));
}

/** The matcher's view of mockgraph's schemas: validate by `@odata.type`, know which properties are keys, placeholders and declared. */
export function matchContextFor(graph: GraphDefinition): MatchContext {
  const keyProperties = new Set(graph.model.types.flatMap((t) => (t.key ? [t.key] : [])));
  const schemaOf = (odataType: string) => graph.model.resolveType(odataType)?.schemaId ?? graph.files.find((f) => f.id === odataType)?.id;
  return {
    keyProperties,
    validateBody(odataType, body) {
      const schemaId = schemaOf(odataType);
      // A type mockgraph has no schema for (another page's resource) is not validated: the replay still checks the rest.
      if (!schemaId) return [];
      return graph.validator.check(schemaId, withoutAnnotations(body));
    },
    placeholders(odataType, docValue) {
      const schemaId = schemaOf(odataType);
      const out = new Map<string, string>();
      if (!schemaId) return out;
      const type = graph.model.resolveType(odataType);
      // Read-only properties are the server's to set (azureTenantId stamped at ingestion): their doc values are examples.
      for (const p of type?.properties ?? []) if (p.readOnly && typeof docValue === 'object' && docValue !== null && p.name in docValue) out.set(p.name, p.name);
      for (const name of graph.validator.invalidProperties(schemaId, withoutAnnotations(docValue))) {
        const declared = type?.property(name) ?? type?.properties.find((p) => p.name.toLowerCase() === name.trim().toLowerCase());
        out.set(name, declared?.name ?? name);
      }
      return out;
    },
    declares(odataType, property) {
      const type = graph.model.resolveType(odataType);
      // In any casing and spacing: `"deprecated "` is the page's spelling of a declared property, a placeholder's concern.
      return type && (type.property(property) !== undefined || type.properties.some((p) => p.name.toLowerCase() === property.trim().toLowerCase()));
    },
  };
}

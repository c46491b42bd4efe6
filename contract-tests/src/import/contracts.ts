import { cite, fileBase, IMPORT_MARKER, operationSchemaId, propertySchema, titleOf } from './emit';
import type { EmittedSchema } from './emit';
import type { ImportModel } from './model';
import { localName } from './edm';
import type { EntitySetDraft, ImportFinding, OperationDraft, SourceRef, TypeDraft } from './types';

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';

/** The id the server looks a request contract up by (server/src/graph/validate.ts, requestSchemaId). */
function requestId(t: TypeDraft, purpose: string): string {
  return `mockgraph.requests.${fileBase(t.name)}.${purpose}`;
}

function request(t: TypeDraft, set: EntitySetDraft, purpose: string, comment: string, description: string, body: Record<string, unknown>, role: EmittedSchema['role']): EmittedSchema {
  const id = requestId(t, purpose);
  const sources = `Type from ${t.sources.map(cite).join(', ')}; /${set.path} from ${[...new Set(set.sources.map(cite))].join(', ')}.`;
  return {
    path: `requests/${fileBase(t.name)}.${purpose}.schema.json`,
    id,
    schema: { $schema: SCHEMA, $id: id, $comment: `${IMPORT_MARKER}. ${comment} ${sources}`, title: titleOf(`${t.name}.${purpose}`), description, examples: [], type: 'object', ...body, additionalProperties: true },
    role,
  };
}

/** The properties a create body must carry: the create page's table ("required when you create"), else its prose list, else the resource page's markers. */
function requiredOnCreate(model: ImportModel, t: TypeDraft, findings: ImportFinding[]): { names: string[]; from: string } {
  const contract = model.api.contracts.get(t.name.toLowerCase());
  const writable = (n: string) => t.properties.some((p) => p.name === n && !p.readOnly && p.name !== t.key && p.name !== 'id');
  let names: string[];
  let from: string;
  if (contract?.create?.allRequired) {
    names = contract.create.rows.map((r) => r.name);
    from = `the create page's table (${cite(contract.create.source)}), which says its properties are required`;
  } else if (contract?.requiredNames) {
    names = contract.requiredNames.names;
    from = `the create page's list of required fields (${cite(contract.requiredNames.source)})`;
  } else {
    names = t.properties.filter((p) => p.required).map((p) => p.name);
    from = 'the properties the resource page marks required';
  }
  for (const n of names.filter((x) => !t.properties.some((p) => p.name === x))) {
    findings.push({ ...(contract?.requiredNames?.source ?? t.sources[0] ?? { file: '', line: 1 }), rule: 'api-table-mismatch', message: `the create contract names '${n}', which is not a property of ${t.name}; left out` });
  }
  const omitted = omittedByExamples(model, t, names);
  for (const [n, at] of omitted) findings.push({ ...at, rule: 'required-omitted', message: `${from.replace(/ \(.*\)/, '')} names '${n}' as required, but this create example of ${localName(t.name)} omits it; it is not required` });
  return { names: names.filter((n) => writable(n) && !omitted.has(n)), from: omitted.size > 0 ? `${from}, minus what the pages' own create examples omit (${[...omitted.keys()].join(', ')})` : from };
}

/**
 * The required names that one of the pages' own create bodies leaves out (a POST example, or a keyless item of a bulk
 * action whose one parameter is a collection of the type), with the first example that does: the example shows that
 * Graph takes the body without them, so a mock that refused it would refuse the page's own example.
 */
function omittedByExamples(model: ImportModel, t: TypeDraft, names: readonly string[]): Map<string, SourceRef> {
  const bulk = new Set(
    model.api.operations
      .filter((o) => o.entityType.toLowerCase() === t.name.toLowerCase() && o.bindsTo === 'collection' && o.parameters.length === 1 && o.parameters[0]?.collection && o.parameters[0].type.toLowerCase() === t.name.toLowerCase())
      .map((o) => `${o.entityType}/${o.name}`.toLowerCase()),
  );
  const bodies: Array<{ body: unknown; source: SourceRef }> = [];
  for (const e of model.api.examples) {
    if (e.role === 'create' && e.type?.toLowerCase() === t.name.toLowerCase()) bodies.push({ body: e.value, source: e.source });
    if (e.role === 'parameters' && e.operation && bulk.has(e.operation) && typeof e.value === 'object' && e.value !== null) {
      const items = Object.values(e.value as Record<string, unknown>)[0];
      // An item that names its key is an update by id (updateTiIndicators), not a create.
      for (const item of Array.isArray(items) ? items : []) if (typeof item === 'object' && item !== null && !((t.key ?? 'id') in item)) bodies.push({ body: item, source: e.source });
    }
  }
  const out = new Map<string, SourceRef>();
  for (const { body, source } of bodies) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) continue;
    for (const n of names) if (!(n in body) && !out.has(n)) out.set(n, source);
  }
  return out;
}

/** True when `t` derives from `base`, by the final base types (a chain through known types ends at the first). */
function derivesFrom(model: ImportModel, t: TypeDraft, base: TypeDraft): boolean {
  for (let b = t.baseType, n = 0; b !== undefined && n < 20; b = model.types.get(b.toLowerCase())?.baseType, n++) if (b.toLowerCase() === base.name.toLowerCase()) return true;
  return false;
}

/** Which contracts a type derived from a set's type has: those its own create or update pages (tables, prose, bodies) give. */
function ownPages(model: ImportModel, t: TypeDraft): { create: boolean; update: boolean } {
  const contract = model.api.contracts.get(t.name.toLowerCase());
  const bodies = (role: 'create' | 'update') => model.api.examples.some((e) => e.role === role && e.type?.toLowerCase() === t.name.toLowerCase());
  return { create: contract?.create !== undefined || contract?.requiredNames !== undefined || bodies('create'), update: contract?.update !== undefined || bodies('update') };
}

function contractsOf(model: ImportModel, t: TypeDraft, set: EntitySetDraft, which: { create: boolean; update: boolean }, findings: ImportFinding[]): EmittedSchema[] {
  const out: EmittedSchema[] = [];
  const contract = model.api.contracts.get(t.name.toLowerCase());
  const base = { allOf: [{ $ref: t.name }] };
  const body = set.entityType.toLowerCase() === t.name.toLowerCase() ? '' : ` naming @odata.type ${t.name}`;
  if (which.create && set.methods.collection.includes('POST')) {
    const { names, from } = requiredOnCreate(model, t, findings);
    const listed = contract?.create ? { propertyNames: { enum: ['@odata.type', ...contract.create.rows.map((r) => r.name)] } } : {};
    out.push(request(t, set, 'create.doc', `The documentation's create contract (validation profile 'doc'): required are ${from}, minus the key and read-only properties${contract?.create ? "; only the table's properties (and @odata.type) are accepted" : ''}. Value rules come from the type's schema.`, `A POST body${body} for /${set.path} under the documentation's contract.`, { ...base, required: names, ...listed }, { kind: 'create', type: t, profile: 'doc' }));
    const nonNull = t.properties.filter((p) => !p.nullable && !p.collection && !p.readOnly && p.name !== t.key && p.name !== 'id').map((p) => p.name);
    out.push(request(t, set, 'create.metadata', "The metadata's create contract (validation profile 'metadata'): required are the properties the pages mark not nullable, minus the key and read-only properties.", `A POST body${body} for /${set.path} under the metadata's contract.`, { ...base, required: nonNull }, { kind: 'create', type: t, profile: 'metadata' }));
  }
  if (which.update && set.methods.entity.includes('PATCH')) {
    out.push(request(t, set, 'update', 'A PATCH body: only the properties sent are validated, each against the type\'s schema (OData v4.01 Protocol 11.4.3, Update an Entity).', `A PATCH body${body} for one entity of /${set.path}: any subset of its properties.`, base, { kind: 'update', type: t, profile: 'metadata' }));
    const listed = contract?.update ? { propertyNames: { enum: ['@odata.type', ...contract.update.rows.map((r) => r.name)] } } : {};
    out.push(request(t, set, 'update.doc', `A PATCH body under the documentation's contract${contract?.update ? `: only the update page's table (${cite(contract.update.source)}) and @odata.type are accepted` : ': the update page has no property table, so it is the same as the update contract'}.`, `A PATCH body${body} for one entity of /${set.path} under the documentation's contract.`, { allOf: [{ $ref: requestId(t, 'update') }], ...listed }, { kind: 'update', type: t, profile: 'doc' }));
  }
  return out;
}

/**
 * The request contracts of each entity set's type, as schemas/requests holds them for ipSecurityProfile, and of each
 * type derived from it that has create or update pages of its own (the server validates a body naming a derived type
 * against that type's contract).
 */
export function emitContracts(model: ImportModel, findings: ImportFinding[]): EmittedSchema[] {
  const out: EmittedSchema[] = [];
  const setTypes = new Set(model.api.sets.map((s) => s.entityType.toLowerCase()));
  const done = new Set<string>();
  for (const set of model.api.sets) {
    const t = model.types.get(set.entityType.toLowerCase());
    if (!t) continue;
    out.push(...contractsOf(model, t, set, { create: true, update: true }, findings));
    for (const d of model.types.values()) {
      const lower = d.name.toLowerCase();
      if (d.kind !== 'entity' || setTypes.has(lower) || done.has(lower) || !derivesFrom(model, d, t)) continue;
      done.add(lower);
      out.push(...contractsOf(model, d, set, ownPages(model, d), findings));
    }
  }
  return out;
}

/** One schema per bound operation: the JSON object of its parameters (closed, as OData action bodies are). */
export function emitOperations(model: ImportModel): EmittedSchema[] {
  return model.api.operations.map((op: OperationDraft) => {
    const id = operationSchemaId(op);
    const properties: Record<string, unknown> = {};
    for (const p of op.parameters) properties[p.name] = propertySchema(model, p);
    const required = op.parameters.filter((p) => p.required).map((p) => p.name);
    return {
      path: `requests/${fileBase(op.entityType)}.${op.name}.schema.json`,
      id,
      schema: {
        $schema: SCHEMA,
        $id: id,
        $comment: `${IMPORT_MARKER}. The parameters of the ${op.kind} ${op.name}, bound to ${op.bindsTo === 'collection' ? 'the collection of' : 'one'} ${op.entityType}; from ${cite(op.source)}.`,
        title: titleOf(`${op.entityType}.${op.name}`) + 'Parameters',
        description: `${op.method} …/${op.bindsTo === 'entity' ? '{id}/' : ''}${op.name}: ${op.kind === 'action' ? 'the request body' : 'the parameters'}.`,
        examples: [],
        type: 'object',
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      },
      role: { kind: 'parameters', operation: op },
    };
  });
}

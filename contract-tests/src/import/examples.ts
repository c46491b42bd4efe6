import { isPrimitive, primitiveSample } from './edm';
import { cite } from './emit';
import type { EmittedSchema } from './emit';
import type { ImportModel } from './model';
import type { SchemaChecker } from './schema-check';
import type { ImportFinding, SourceRef, TypeDraft } from './types';

/** At most this many examples per schema: enough to show the shape, few enough to keep files readable. */
export const MAX_EXAMPLES = 3;

interface Candidate {
  value: unknown;
  source: SourceRef | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A doc body without its control annotations (`@odata.context`, `@odata.etag`, …); `@odata.type` stays. */
function withoutControl(value: unknown): unknown {
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('@odata.') || k === '@odata.type'));
}

/** A valid value of a type, built from its properties (collections empty, nesting two levels deep). */
export function sampleOf(model: ImportModel, type: string, depth = 0): unknown {
  if (isPrimitive(type)) return primitiveSample(type);
  const t = model.types.get(type.toLowerCase());
  if (!t) return {};
  if (t.kind === 'enum') return t.members[0]?.name ?? '';
  const out: Record<string, unknown> = {};
  for (const p of t.properties) out[p.name] = p.collection ? [] : depth >= 2 && p.nullable && !isPrimitive(p.type) ? null : sampleOf(model, p.type, depth + 1);
  return out;
}

function synthesize(model: ImportModel, e: EmittedSchema): unknown {
  const role = e.role;
  if (role.kind === 'type') return sampleOf(model, role.type.name);
  if (role.kind === 'parameters') return Object.fromEntries(role.operation.parameters.map((p) => [p.name, p.collection ? [] : sampleOf(model, p.type, 1)]));
  const writable = role.type.properties.filter((p) => !p.readOnly && p.name !== 'id' && p.name !== role.type.key);
  const required = (e.schema.required as string[] | undefined) ?? [];
  const listed = (e.schema.propertyNames as { enum?: string[] } | undefined)?.enum;
  const chosen = role.kind === 'update' ? writable.filter((p) => !listed || listed.includes(p.name)).slice(0, 1) : writable.filter((p) => required.includes(p.name));
  return Object.fromEntries(chosen.map((p) => [p.name, p.collection ? [] : sampleOf(model, p.type, 1)]));
}

/** The values a type's examples hold for its complex and enum properties: candidates for those types' own examples. */
function nested(model: ImportModel, t: TypeDraft, value: unknown, add: (type: string, v: unknown) => void, depth = 0): void {
  if (!isObject(value) || depth > 6) return;
  for (const p of t.properties) {
    if (isPrimitive(p.type) || !(p.name in value)) continue;
    for (const v of p.collection && Array.isArray(value[p.name]) ? (value[p.name] as unknown[]) : [value[p.name]]) {
      if (v === null) continue;
      add(p.type, v);
      const inner = model.types.get(p.type.toLowerCase());
      if (inner && inner.kind !== 'enum') nested(model, inner, v, add, depth + 1);
    }
  }
}

/**
 * Fills every emitted schema's `examples`: the pages' bodies (responses, then create and update requests, then values
 * nested in them) that are valid against it, at most {@link MAX_EXAMPLES}; a doc body that fails is reported; a schema
 * left without one gets a generated example, reported too.
 */
export function fillExamples(model: ImportModel, emitted: readonly EmittedSchema[], checker: SchemaChecker, findings: ImportFinding[]): void {
  const byId = new Map(emitted.map((e) => [e.id.toLowerCase(), e]));
  const candidates = new Map<string, Candidate[]>();
  const add = (id: string, value: unknown, source?: SourceRef) => {
    const key = id.toLowerCase();
    if (byId.has(key)) candidates.set(key, [...(candidates.get(key) ?? []), { value, source }]);
  };
  const order = { response: 0, create: 1, update: 2, parameters: 3 } as const;
  const uses = [...model.api.examples].sort((a, b) => order[a.role] - order[b.role]);
  for (const use of uses) {
    const value = withoutControl(use.value);
    if (use.role === 'parameters') {
      const op = emitted.find((e) => e.role.kind === 'parameters' && `${e.role.operation.entityType}/${e.role.operation.name}`.toLowerCase() === use.operation);
      if (op) add(op.id, value, use.source);
      continue;
    }
    if (!use.type) continue;
    add(use.type, value, use.source);
    for (const e of emitted) if ((e.role.kind === 'create' || e.role.kind === 'update') && e.role.kind === use.role && e.role.type.name.toLowerCase() === use.type.toLowerCase()) add(e.id, value, use.source);
  }
  for (const use of uses.filter((u) => u.type && u.role !== 'parameters')) {
    const t = model.types.get((use.type ?? '').toLowerCase());
    if (t && t.kind !== 'enum') nested(model, t, withoutControl(use.value), (type, v) => add(type, v));
  }
  const reported = new Set<string>();
  for (const e of emitted) {
    const valid: unknown[] = [];
    for (const c of candidates.get(e.id.toLowerCase()) ?? []) {
      const messages = checker.check(e.id, c.value);
      const text = JSON.stringify(c.value);
      if (messages.length === 0) {
        if (valid.length < MAX_EXAMPLES && !valid.some((v) => JSON.stringify(v) === text)) valid.push(c.value);
      } else if (c.source && !reported.has(cite(c.source))) {
        reported.add(cite(c.source));
        findings.push({ ...c.source, rule: 'example-invalid', message: `the example is not valid against ${e.id} and is left out of its examples: ${messages.join('; ')}` });
      }
    }
    if (valid.length === 0) {
      const generated = synthesize(model, e);
      const problems = checker.check(e.id, generated);
      const at = e.role.kind === 'parameters' ? e.role.operation.source : (e.role.type.sources[0] ?? { file: '', line: 1 });
      // An enum's first member and a stub's `{}` come from the pages (or their absence, already reported): no news.
      const obvious = (e.role.kind === 'type' && (e.role.type.kind === 'enum' || e.role.type.stub)) || (e.role.kind === 'parameters' && e.role.operation.parameters.length === 0);
      if (!obvious || problems.length > 0) findings.push({ ...at, rule: 'example-synthesized', message: `no page example is valid against ${e.id}; a generated one is used${problems.length > 0 ? ` (and it fails too: ${problems.join('; ')})` : ''}` });
      valid.push(generated);
    }
    e.schema.examples = valid;
  }
}

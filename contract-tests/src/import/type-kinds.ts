import type { ApiFacts } from './api';
import type { ModelBuilder } from './model';
import { INHERITED_FROM } from './properties';
import type { RowDraft } from './resources';
import type { TypeDraft } from './types';

/** Graph's root entity type: entity types that name no base type derive from it. */
export const ROOT_ENTITY = 'microsoft.graph.entity';

/** Resolves operations' parameter and return types and entity sets' types (reading linked pages as needed). */
export function resolveOperations(b: ModelBuilder, api: ApiFacts): void {
  for (const op of api.operations) {
    const page = b.pageOf(op.source.file);
    if (!page) continue;
    op.parameters = op.parameters.map((p) => {
      const row = p as RowDraft;
      const ref = b.resolve(page, p.type, row.link, [], p.source);
      const { link: _link, inheritedFrom: _inherited, ...prop } = row;
      return { ...prop, type: ref.type };
    });
    if (op.returns) op.returns = { ...op.returns, type: b.resolve(page, op.returns.type, undefined, [], op.source).type };
  }
  for (const set of api.sets) {
    const page = set.sources[0] ? b.pageOf(set.sources[0].file) : undefined;
    if (page) set.entityType = b.resolve(page, set.entityType, undefined, [], set.sources[0]!).type;
  }
}

/** The key of a type, its own or its base types' (imported or known). */
function keyOf(b: ModelBuilder, name: string, depth = 0): string | undefined {
  const t = b.types.get(name.toLowerCase());
  if (!t) return b.known.get(name.toLowerCase())?.key;
  return t.key ?? (t.baseType && depth < 20 ? keyOf(b, t.baseType, depth + 1) : undefined);
}

function isEntity(b: ModelBuilder, name: string): boolean {
  const t = b.types.get(name.toLowerCase());
  return t ? t.kind === 'entity' : b.known.get(name.toLowerCase())?.kind === 'entity';
}

/**
 * Decides entity or complex, base types and keys:
 * - a type is an entity when it has a key annotation, is an entity set's type, or derives from an entity;
 * - its base is the annotation's `baseType`, else the type an `Inherited from [x]` row names, else (for entities)
 *   microsoft.graph.entity when it is imported or known, reported as assumed;
 * - a key that the base type already has is inherited, not repeated; an entity without a key anywhere takes `id`.
 */
export function finalizeTypes(b: ModelBuilder, api: ApiFacts): void {
  const setTypes = new Set(api.sets.map((s) => s.entityType.toLowerCase()));
  const structured = [...b.types.values()].filter((t) => t.kind !== 'enum');
  const at = (t: TypeDraft) => t.sources[0] ?? { file: '', line: 1 };
  for (const t of structured) {
    const hinted = t.baseType ?? INHERITED_FROM.get(t);
    if (!hinted) continue;
    const found = b.lookup(hinted);
    if (!found) b.findings.push({ ...at(t), rule: 'base-type', message: `${t.name} names the base type ${hinted}, which no given page or schema defines; it has no base type` });
    t.baseType = found?.type;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of structured) {
      if (t.kind === 'entity' || !(t.key !== undefined || setTypes.has(t.name.toLowerCase()) || (t.baseType !== undefined && isEntity(b, t.baseType)))) continue;
      t.kind = 'entity';
      changed = true;
    }
  }
  const root = b.lookup(ROOT_ENTITY);
  for (const t of structured) {
    if (t.kind !== 'entity' || t.baseType || t.name.toLowerCase() === ROOT_ENTITY || !root) continue;
    t.baseType = root.type;
    b.findings.push({ ...at(t), rule: 'base-type', message: `${t.name} names no base type; as an entity type it is taken to derive from ${root.type} (Graph's convention)` });
  }
  for (const t of structured) {
    if (t.kind !== 'entity') continue;
    const inherited = t.baseType ? keyOf(b, t.baseType) : undefined;
    if (t.key && inherited && t.key === inherited) t.key = undefined;
    else if (t.key && inherited) b.findings.push({ ...at(t), rule: 'key', message: `${t.name} declares the key ${t.key} but its base type's key is ${inherited}; its own is kept` });
    if (!t.key && !inherited) {
      const id = t.properties.find((p) => p.name === 'id');
      b.findings.push({ ...at(t), rule: 'key', message: id ? `${t.name} is an entity type with no keyProperty and no base type with a key; 'id' is taken as its key` : `${t.name} is an entity type with no key; none is recorded` });
      if (id) t.key = 'id';
    }
    const key = t.key ?? inherited;
    if (t.key && !t.properties.some((p) => p.name === t.key)) b.findings.push({ ...at(t), rule: 'key', message: `${t.name}'s keyProperty '${t.key}' is not one of its properties` });
    for (const p of t.properties) if (p.name === key) p.nullable = false;
  }
}

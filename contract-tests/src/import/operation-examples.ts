import type { EmittedSchema } from './emit';
import { sampleOf } from './examples';
import type { ImportModel } from './model';
import type { SchemaChecker } from './schema-check';
import type { ImportFinding, SourceRef } from './types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One value of the return type made valid: refused properties renamed to their declared casing with a valid value, or dropped. */
function repairValue(model: ImportModel, checker: SchemaChecker, typeId: string, value: unknown, fallback: unknown): { value: unknown; changes: string[] } {
  const bad = checker.invalidProperties(typeId, value);
  if (bad.length === 0 || !isObject(value)) return { value, changes: [] };
  const declared = model.types.get(typeId.toLowerCase())?.properties ?? [];
  const out: Record<string, unknown> = { ...value };
  const changes: string[] = [];
  for (const name of bad) {
    delete out[name];
    const p = declared.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (p) out[p.name] = p.collection ? [] : sampleOf(model, p.type, 1);
    changes.push(!p ? `${name} dropped (not declared)` : p.name === name ? `${name} given a valid value` : `${name} → ${p.name}`);
  }
  if (checker.check(typeId, out).length === 0) return { value: out, changes };
  return { value: fallback, changes: [...changes, "still invalid, so the type's example is used"] };
}

/**
 * Makes every operation's documented response (what the mock answers for an operation it does not implement) valid
 * against the operation's return type: the pages' placeholders (`"code": "code-value"` for an Int32) and casing slips
 * (`subCode` for `subcode`) would otherwise be served as they are. Each repair is a finding.
 */
export function repairOperationExamples(model: ImportModel, emitted: readonly EmittedSchema[], checker: SchemaChecker, findings: ImportFinding[]): void {
  const examplesOf = (id: string) => (emitted.find((e) => e.id.toLowerCase() === id.toLowerCase())?.schema.examples as unknown[] | undefined)?.[0];
  for (const e of emitted) {
    const actions = e.schema['x-actions'];
    if (!Array.isArray(actions)) continue;
    for (const entry of actions as Array<Record<string, unknown>>) {
      const returns = entry.returns as { type: string; collection: boolean } | null;
      if (!returns || entry.responseExample === undefined) continue;
      const body = entry.responseExample;
      const fallback = examplesOf(returns.type) ?? {};
      const items = returns.collection && isObject(body) && Array.isArray(body.value) ? body.value : returns.collection ? undefined : [body];
      if (!items) continue;
      const repaired = items.map((item) => repairValue(model, checker, returns.type, item, fallback));
      const changes = [...new Set(repaired.flatMap((r) => r.changes))];
      if (changes.length === 0) continue;
      entry.responseExample = returns.collection ? { ...(body as Record<string, unknown>), value: repaired.map((r) => r.value) } : repaired[0]?.value;
      const op = model.api.operations.find((o) => o.name === entry.name && e.role.kind === 'type' && o.entityType.toLowerCase() === e.role.type.name.toLowerCase());
      const at: SourceRef = op?.source ?? { file: e.path, line: 1 };
      findings.push({ ...at, rule: 'example-invalid', message: `the response example of ${String(entry.name)} is not valid against ${returns.type}; the mock answers a corrected copy (${changes.join(', ')})` });
    }
  }
}

import type { DocLink } from '../doc-page';
import { readApiPages } from './api';
import type { ApiFacts } from './api';
import type { TypeHierarchy } from './derived-types';
import { isPrimitive, literalType, localName, qualify } from './edm';
import type { LiteralType } from './edm';
import { enumDraft, mergeMembers, readEnumTables } from './enums';
import type { ImportPage, PageSet } from './pages';
import { reconcileProperties } from './properties';
import { readResourcePage } from './resources';
import type { ResourceDraft } from './resources';
import type { ImportFinding, SourceRef, TypeDraft } from './types';
import { finalizeTypes, resolveOperations } from './type-kinds';

/** A schema that exists before the import (schemas/ written by hand): referenced, never rewritten. */
export interface KnownSchema {
  id: string;
  file: string;
  schema: Record<string, unknown>;
}

/** A resolved type reference. */
export interface TypeRef {
  type: string;
  isEnum: boolean;
}

/** Everything the pages define, resolved: what the emitter writes. */
export interface ImportModel {
  /** Imported types by lower-cased qualified name (known types left out), in the order the pages define them. */
  types: Map<string, TypeDraft>;
  api: ApiFacts;
  known: Map<string, { id: string; file: string; name: string; kind: 'entity' | 'complex' | 'enum'; key: string | undefined }>;
  /** Example values by `type|property` (lower-cased): what the pages' examples show for each property. */
  evidence: Map<string, LiteralType[]>;
}

/** Reads the known schemas' type names and kinds (enum: `x-enumMembers` or `enum`; entity: a key, itself or by base). */
function knownTypes(known: readonly KnownSchema[]): ImportModel['known'] {
  const out: ImportModel['known'] = new Map();
  const typed = known.filter((k) => typeof k.schema['x-odataType'] === 'string');
  const byName = new Map(typed.map((k) => [String(k.schema['x-odataType']).toLowerCase(), k.schema]));
  const ids = new Map(typed.map((k) => [String(k.schema['x-odataType']).toLowerCase(), k]));
  const keyOf = (name: string, depth = 0): string | undefined => {
    const s = byName.get(name.toLowerCase());
    if (!s || depth > 20) return undefined;
    return typeof s['x-key'] === 'string' ? s['x-key'] : typeof s['x-baseType'] === 'string' ? keyOf(s['x-baseType'], depth + 1) : undefined;
  };
  for (const [lower, s] of byName) {
    const isEnum = 'x-enumMembers' in s || Array.isArray(s.enum);
    const key = keyOf(lower);
    out.set(lower, { id: ids.get(lower)?.id ?? lower, file: ids.get(lower)?.file ?? '', name: String(s['x-odataType']), kind: isEnum ? 'enum' : key ? 'entity' : 'complex', key });
  }
  return out;
}

/** Builds the model: pages are visited in path order; linked pages are read when a type cell needs them. */
export class ModelBuilder {
  readonly types = new Map<string, TypeDraft>();
  private readonly anchors = new Map<ImportPage, Map<string, string>>();
  private readonly pageTypes = new Map<ImportPage, string>();
  private readonly seen = new Set<ImportPage>();
  private readonly queue: ResourceDraft[] = [];
  readonly known: ImportModel['known'];
  readonly evidence = new Map<string, LiteralType[]>();

  constructor(
    readonly pages: PageSet,
    known: readonly KnownSchema[],
    readonly findings: ImportFinding[],
  ) {
    this.known = knownTypes(known);
  }

  /** Reads a page's enums and, for a resource page, its type (once). */
  visit(ip: ImportPage): void {
    if (this.seen.has(ip)) return;
    this.seen.add(ip);
    const anchors = new Map<string, string>();
    this.anchors.set(ip, anchors);
    for (const e of readEnumTables(ip)) anchors.set(e.anchor, this.register(e.draft).name.toLowerCase());
    if (ip.kind !== 'resource') return;
    const draft = readResourcePage(ip, this.findings);
    const wasStub = this.types.get(draft.draft.name.toLowerCase())?.stub === true;
    const registered = this.register(draft.draft);
    this.pageTypes.set(ip, registered.name.toLowerCase());
    // A stub made before its page was found takes the page's definition and is built from it.
    if (registered === draft.draft || wasStub) this.queue.push({ ...draft, draft: registered });
  }

  /** Adds a type; a second definition of a name is reported and the first kept. */
  register(draft: TypeDraft): TypeDraft {
    const lower = draft.name.toLowerCase();
    const existing = this.types.get(lower);
    if (!existing) {
      this.types.set(lower, draft);
      return draft;
    }
    if (existing.stub && !draft.stub) {
      Object.assign(existing, { ...draft, sources: [...draft.sources] });
      return existing;
    }
    if (!draft.stub) this.findings.push({ ...(draft.sources[0] ?? { file: '', line: 1 }), rule: 'duplicate-type', message: `${draft.name} is also defined at ${existing.sources[0]?.file ?? '?'}:${existing.sources[0]?.line ?? 0}; that definition is used` });
    return existing;
  }

  /** The qualified name of an imported or known type written `name` (qualified or not, any casing). */
  lookup(name: string, namespace?: string): TypeRef | undefined {
    const q = qualify(name, namespace).toLowerCase();
    const local = localName(name).toLowerCase();
    const imported = this.types.get(q) ?? [...this.types.values()].find((t) => localName(t.name).toLowerCase() === local);
    if (imported) return { type: imported.name, isEnum: imported.kind === 'enum' };
    const known = this.known.get(q) ?? [...this.known.values()].find((k) => localName(k.name).toLowerCase() === local);
    return known ? { type: known.name, isEnum: known.kind === 'enum' } : undefined;
  }

  /**
   * Resolves a type cell: a primitive; the type the linked page (or its `#anchor`) defines; a type of that name
   * (imported or known); an enum made from "Possible values"; else an open complex stub, reported.
   */
  resolve(from: ImportPage, name: string, link: DocLink | undefined, values: readonly string[], at: SourceRef): TypeRef {
    if (isPrimitive(name)) return { type: name, isEnum: false };
    let reported = false;
    if (link) {
      const target = this.pages.resolve(from, link.target, at.line);
      if (target === 'missing') {
        const known = this.lookup(name, from.namespace);
        this.findings.push({ ...at, rule: 'missing-page', message: `'${name}' links to '${link.target}', which is neither a given page nor in that folder${known ? `; ${known.type} is used` : ''}` });
        reported = true;
      } else if (target) {
        this.visit(target.page);
        const onPage = target.anchor ? this.anchors.get(target.page)?.get(target.anchor) : this.pageTypes.get(target.page) ?? (target.page.kind === 'enum' ? [...(this.anchors.get(target.page)?.values() ?? [])][0] : undefined);
        const type = onPage ? this.types.get(onPage) : undefined;
        if (type) return { type: type.name, isEnum: type.kind === 'enum' };
      }
    }
    const found = this.lookup(name, from.namespace);
    if (found) return found;
    const qualified = qualify(name, from.namespace);
    if (values.length > 0) {
      this.findings.push({ ...at, rule: 'enum-from-description', message: `no values table defines ${qualified}; its members are the description's possible values` });
      return { type: this.register(enumDraft(qualified, values.map((v) => ({ name: v })), '', at)).name, isEnum: true };
    }
    if (!reported) this.findings.push({ ...at, rule: 'missing-page', message: `no given page defines '${name}'; it is modelled as an open complex type` });
    const stub: TypeDraft = { kind: 'complex', name: qualified, description: '', baseType: undefined, key: undefined, abstract: false, open: true, properties: [], navigation: [], members: [], stub: true, sources: [at] };
    return { type: this.register(stub).name, isEnum: false };
  }

  /** Merges a property's "Possible values" into its enum, or reports them on a primitive. */
  applyValues(owner: string, prop: { name: string; type: string; values: string[] }, ref: TypeRef, at: SourceRef): void {
    if (prop.values.length === 0) return;
    const target = this.types.get(ref.type.toLowerCase());
    if (ref.isEnum && target && target.members.length > 0) {
      mergeMembers(target, prop.values, at, this.findings);
      prop.values = [];
    } else if (!ref.isEnum) {
      this.findings.push({ ...at, rule: 'possible-values', message: `${localName(owner)}.${prop.name} is ${ref.type} and its description lists possible values (${prop.values.join(', ')}); it stays ${ref.type}, not validated against them, and the values become its examples` });
    } else prop.values = [];
  }

  /** Collects what the examples show for each property (top-level keys and nested objects that name their @odata.type). */
  private collectEvidence(type: string, value: unknown, depth = 0): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 8) return;
    for (const [k, v] of Object.entries(value)) {
      if (v === null || k.startsWith('@')) continue;
      const key = `${type}|${k.trim()}`.toLowerCase();
      this.evidence.set(key, [...(this.evidence.get(key) ?? []), literalType(v)]);
      for (const item of Array.isArray(v) ? v : [v]) {
        const named = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['@odata.type'] : undefined;
        if (typeof named === 'string') this.collectEvidence(qualify(named.replace(/^#/, '')), item, depth + 1);
      }
    }
  }

  /** Runs the import over the given pages (already in the page set). */
  build(): ImportModel {
    const given = [...this.pages.pages];
    for (const ip of given) this.visit(ip);
    const api = readApiPages(given.filter((p) => p.kind === 'api'), this.findings, this.hierarchy());
    for (const e of api.examples) if (e.type) this.collectEvidence(e.type, e.value);
    for (const name of [...api.sets.map((s) => s.entityType), ...api.operations.flatMap((o) => (o.returns ? [o.returns.type] : []))]) {
      const link = api.typeLinks.get(name.toLowerCase());
      if (!this.lookup(name) && link) this.resolve(link.page, localName(name), { text: localName(name), target: link.target }, [], { file: link.page.page.file, line: link.line });
    }
    resolveOperations(this, api);
    // Resolving property types may read linked pages, whose types join the queue.
    for (let rd = this.queue.shift(); rd; rd = this.queue.shift()) reconcileProperties(this, rd, api.contracts.get(rd.draft.name.toLowerCase()));
    finalizeTypes(this, api);
    for (const [lower, t] of [...this.types]) {
      if (!this.known.has(lower)) continue;
      this.findings.push({ ...(t.sources[0] ?? { file: '', line: 1 }), rule: 'known-type', message: `${t.name} is already defined by ${this.known.get(lower)?.file ?? lower} (not written by the importer); it is referenced, not written` });
      this.types.delete(lower);
    }
    return { types: this.types, api, known: this.known, evidence: this.evidence };
  }

  /** The structured types the pages define so far and the base types their resource pages name (base types are final only later). */
  private hierarchy(): TypeHierarchy {
    const drafts = new Map(this.queue.map((rd) => [rd.draft, rd] as const));
    const typeOf = (name: string) => {
      const found = this.lookup(name);
      return found && !found.isEnum ? found.type : undefined;
    };
    return {
      find: typeOf,
      baseOf: (name) => {
        const t = this.types.get(typeOf(name)?.toLowerCase() ?? '');
        const hinted = t ? (t.baseType ?? drafts.get(t)?.rows.find((r) => r.inheritedFrom)?.inheritedFrom) : undefined;
        return hinted ? typeOf(hinted) : undefined;
      },
    };
  }

  /** The loaded page of a file name (for operations' parameter tables). */
  pageOf(file: string): ImportPage | undefined {
    return this.pages.pages.find((p) => p.page.file === file);
  }
}

import { plainText, readLinks } from '../markdown-structure';
import type { DocExample } from '../doc-page';
import { commonBase, NO_HIERARCHY, namedSubtype, pageSubtype } from './derived-types';
import type { TypeHierarchy } from './derived-types';
import { literalType, preferSpelling, qualify } from './edm';
import type { ImportPage } from './pages';
import { sectionText } from './pages';
import type { RowDraft } from './resources';
import { readRow } from './resources';
import { classifyLines, examplesFor, requestLinesOf, setSpellings } from './request-lines';
import type { LineTarget, RequestLine } from './request-lines';
import type { EntitySetDraft, ImportFinding, OperationDraft, SourceRef } from './types';

/** A doc example body and what it is an example of. */
export interface ExampleUse {
  /** The type it is a value of (qualified), when known. */
  type: string | undefined;
  role: 'response' | 'create' | 'update' | 'parameters';
  /** For `parameters`: `entityType/operation`, lower-cased. */
  operation?: string;
  value: unknown;
  source: SourceRef;
}

/** A request-body property table of a create or update page. */
export interface BodyTable {
  rows: RowDraft[];
  /** Its introduction says the properties are required ("required when you create"). */
  allRequired: boolean;
  source: SourceRef;
}

/** What create and update pages say about request bodies, by the entity type a page is about (lower-cased): the set's type or a type derived from it. */
export interface ContractFacts {
  create?: BodyTable;
  /** Names a create page's prose lists as required ("the following required fields: `a`, `b`"). */
  requiredNames?: { names: string[]; source: SourceRef };
  update?: BodyTable;
}

/** Everything the API pages say. */
export interface ApiFacts {
  sets: EntitySetDraft[];
  operations: OperationDraft[];
  contracts: Map<string, ContractFacts>;
  examples: ExampleUse[];
  /** For types no resource page defines: the first link an API page has to a page of that name. */
  typeLinks: Map<string, { page: ImportPage; target: string; line: number }>;
}

const truthy = (v: unknown) => v === true || v === 'true';
const bare = (t: string) => qualify(t.replace(/^#/, ''));

function permissionsOf(ip: ImportPage, findings: ImportFinding[]): string[] {
  const table = ip.page.tables.find((t) => /permission type/i.test(t.header[0] ?? ''));
  if (!table) {
    findings.push({ file: ip.page.file, line: 1, rule: 'permissions', message: 'the page has no permissions table; its operations need no permission under --auth jwt' });
    return [];
  }
  const out: string[] = [];
  for (const row of table.rows) {
    const cell = plainText(row.cells[1] ?? '');
    if (/TODO/i.test(cell)) findings.push({ file: ip.page.file, line: row.line, rule: 'permissions', message: `the permissions table says TODO (${plainText(row.cells[0] ?? '')}); no permission read from it` });
    else if (!/not (supported|applicable|available)/i.test(cell)) {
      // "A, B or C" lists alternatives; "A and B" (Graph writes it for policies) needs both: recorded as `A+B`.
      for (const alternative of cell.split(/[,;]|\s+or\s+/)) {
        const parts = alternative.split(/\s+and\s+/i).map((s) => s.trim());
        if (parts.length > 0 && parts.every((s) => /^[\w.-]+$/.test(s))) out.push(parts.join('+'));
        else if (alternative.trim() !== '') findings.push({ file: ip.page.file, line: row.line, rule: 'permissions', message: `'${alternative.trim().slice(0, 80)}' is not a permission name; left out` });
      }
    }
  }
  return [...new Set(out)];
}

/** The type a page's examples are of: its first response block's `@odata.type` (paired or not), else the first resource link's text. */
function pageType(ip: ImportPage): string | undefined {
  const annotated = ip.page.blocks.filter((b) => b.annotation.blockType === 'response' && b.annotation.expectError !== true).map((b) => b.annotation['@odata.type']).find((t): t is string => typeof t === 'string');
  if (annotated) return bare(annotated);
  const link = readLinks(ip.page.text).find((l) => /^\w+$/.test(l.text) && /\.md(#|$)/i.test(l.target) && /resources\//i.test(l.target));
  return link ? qualify(link.text) : undefined;
}

function bodyTable(ip: ImportPage, header: RegExp): BodyTable | undefined {
  const section = sectionText(ip.page, /^request body$/i);
  const table = ip.page.tables.find((t) => header.test(t.header[0] ?? '') && /^type$/i.test(t.header[1] ?? '') && section && t.line > section.line && t.line <= section.line + section.text.split('\n').length);
  if (!table) return undefined;
  return { rows: table.rows.flatMap((r) => readRow(r, ip.page.file) ?? []), allRequired: /\brequired\b/i.test(table.intro), source: { file: ip.page.file, line: table.line } };
}

function requiredProse(ip: ImportPage): { names: string[]; source: SourceRef } | undefined {
  const section = sectionText(ip.page, /^request body$/i);
  const m = section ? /required (?:fields|properties)(?: are)?\s*:?\s*((?:`[^`]+`[\s,]*(?:and\s+)?)+)/i.exec(section.text) : null;
  if (!m || !section) return undefined;
  return { names: [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((x) => x[1] ?? ''), source: { file: ip.page.file, line: section.line } };
}

function exampleItems(e: DocExample): unknown[] {
  const body = e.response?.body;
  if (body === undefined || e.responseAnnotation?.expectError === true || (e.response?.status ?? 0) >= 300) return [];
  if (!truthy(e.responseAnnotation?.isCollection)) return [body];
  const property = typeof e.responseAnnotation?.collectionProperty === 'string' ? e.responseAnnotation.collectionProperty : 'value';
  const items = (body as Record<string, unknown>)[property];
  return Array.isArray(items) ? items : [];
}

function returnsOf(ip: ImportPage, examples: readonly DocExample[], findings: ImportFinding[], at: SourceRef): Pick<OperationDraft, 'returns' | 'status' | 'responseExample'> {
  const e = examples.find((x) => x.response);
  const prose = sectionText(ip.page, /^response$/i)?.text ?? '';
  const status = e?.response?.status ?? (Number(/`(\d{3})\b/.exec(prose)?.[1]) || undefined);
  const body = e?.response?.body;
  const responseExample = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.fromEntries(Object.entries(body).filter(([k]) => k !== '@odata.context')) : body;
  const annotated = e?.responseAnnotation?.['@odata.type'];
  if (typeof annotated === 'string' && status !== 204) return { status, responseExample, returns: { type: bare(annotated), collection: truthy(e?.responseAnnotation?.isCollection) } };
  const link = readLinks(prose).find((l) => /^\w+$/.test(l.text) && /\.md(#|$)/i.test(l.target));
  if (link && status !== 204) return { status, responseExample, returns: { type: qualify(link.text), collection: new RegExp(`\\]\\([^)]*\\)\\s*(objects?\\s+)?collection|collection of \\[${link.text}\\]`, 'i').test(prose) } };
  if (status === undefined) findings.push({ ...at, rule: 'operation', message: 'neither a response example nor the Response section says what the operation returns; read as returning nothing' });
  return { status, responseExample, returns: undefined };
}

function operationOf(line: RequestLine, target: Extract<LineTarget, { kind: 'operation' }>, entityType: string, findings: ImportFinding[]): OperationDraft {
  const ip = line.page;
  const table = bodyTable(ip, /^parameter$/i);
  let parameters = table?.rows ?? [];
  const examples = examplesFor(line);
  const body = examples[0]?.request.body;
  if (!table && body && typeof body === 'object' && !Array.isArray(body)) {
    findings.push({ ...line.source, rule: 'operation', message: `${target.name}: no Parameter table; parameters read from the request example's keys` });
    parameters = Object.entries(body).map(([name, v]) => {
      const lit = literalType(v);
      return { name, type: lit.type ?? (lit.kind === 'integer' ? 'Edm.Int32' : lit.kind === 'object' ? 'Edm.Untyped' : 'Edm.String'), collection: lit.collection, nullable: true, readOnly: false, required: false, description: '', values: [], source: line.source, link: undefined, inheritedFrom: undefined };
    });
  }
  return { name: target.name, kind: target.isFunction ? 'function' : 'action', bindsTo: target.bindsTo, entityType, method: line.method, parameters, ...returnsOf(ip, examples, findings, line.source), permissions: permissionsOf(ip, []), source: line.source };
}

/**
 * Reads every API page: entity sets (path, methods, permissions, versions), bound operations, request-body tables and
 * examples; `hierarchy` tells pages about a derived type (filed under it) from pages about the set's type.
 */
export function readApiPages(pages: readonly ImportPage[], findings: ImportFinding[], hierarchy: TypeHierarchy = NO_HIERARCHY): ApiFacts {
  const classified = classifyLines(pages.flatMap((p) => requestLinesOf(p, findings)), findings);
  const spelled = setSpellings(classified, findings);
  const permissions = new Map(pages.map((p) => [p, permissionsOf(p, findings)] as const));
  const sets = new Map<string, EntitySetDraft & { types: string[] }>();
  const facts: ApiFacts = { sets: [], operations: [], contracts: new Map(), examples: [], typeLinks: new Map() };
  const setOf = (segs: string[]) => {
    const key = segs.join('/').toLowerCase();
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { path: spelled.get(key) ?? segs.join('/'), entityType: '', methods: { collection: [], entity: [] }, permissions: { read: [], write: [] }, versions: [], sources: [], types: [] }));
    return set;
  };
  for (const { line, target } of classified.filter((c) => c.target.kind !== 'operation')) {
    const set = setOf(target.set);
    const methods = target.kind === 'collection' ? set.methods.collection : set.methods.entity;
    if (!methods.includes(line.method)) methods.push(line.method);
    const type = pageType(line.page);
    if (type) set.types.push(type);
    set.sources.push(line.source);
    const perms = line.method === 'GET' ? set.permissions.read : set.permissions.write;
    for (const p of permissions.get(line.page) ?? []) if (!perms.includes(p)) perms.push(p);
    for (const e of line.page.page.examples) {
      const version = /\/(beta|v1\.0)\//i.exec(e.request.url.replace(/\\/g, '/'))?.[1]?.toLowerCase();
      if (version && !set.versions.includes(version)) set.versions.push(version);
    }
  }
  for (const set of sets.values()) {
    // A derived type's own pages (its create, update, get) name it, but their set holds the base type.
    const common = commonBase(hierarchy, set.types);
    const lower = set.types.map((t) => t.toLowerCase());
    const top = common?.toLowerCase() ?? [...new Set(lower)].sort((a, b) => lower.filter((x) => x === b).length - lower.filter((x) => x === a).length)[0];
    set.entityType = top ? preferSpelling(set.types.filter((t) => t.toLowerCase() === top)) || (common ?? '') : '';
    if (set.versions.length === 0) set.versions.push('beta');
    const { types: _types, ...draft } = set;
    if (draft.entityType === '') findings.push({ ...(set.sources[0] ?? { file: '', line: 1 }), rule: 'request-line', message: `no page says what /${set.path} holds (no response @odata.type, no resource link); not imported` });
    else facts.sets.push(draft);
  }
  readPageFacts(classified, facts, sets, hierarchy, findings);
  return facts;
}

function readPageFacts(classified: ReadonlyArray<{ line: RequestLine; target: LineTarget }>, facts: ApiFacts, sets: Map<string, EntitySetDraft>, hierarchy: TypeHierarchy, findings: ImportFinding[]): void {
  for (const { line, target } of classified) {
    const set = sets.get(target.set.join('/').toLowerCase());
    const type = set?.entityType || undefined;
    const ip = line.page;
    const matching = examplesFor(line);
    if (target.kind === 'operation') {
      if (!type) continue;
      const op = operationOf(line, target, type, findings);
      facts.operations.push(op);
      const key = `${type}/${op.name}`.toLowerCase();
      for (const e of matching) if (e.request.body !== undefined) facts.examples.push({ type: undefined, role: 'parameters', operation: key, value: e.request.body, source: { file: ip.page.file, line: e.requestLine } });
    } else if (type) {
      const role = line.method === 'POST' ? 'create' : line.method === 'PATCH' ? 'update' : undefined;
      const bodies = role ? matching.map((e) => e.request.body).filter((b) => b !== undefined) : [];
      const about = role ? pageSubtype(hierarchy, ip, bodies, type) : type;
      const contract = facts.contracts.get(about.toLowerCase()) ?? {};
      facts.contracts.set(about.toLowerCase(), contract);
      if (line.method === 'POST' && target.kind === 'collection') {
        contract.create ??= bodyTable(ip, /^property$/i);
        contract.requiredNames ??= requiredProse(ip);
      }
      if (line.method === 'PATCH' && target.kind === 'entity') contract.update ??= bodyTable(ip, /^property$/i);
      for (const e of matching) if (role && e.request.body !== undefined) facts.examples.push({ type: namedSubtype(hierarchy, e.request.body, type) ?? about, role, value: e.request.body, source: { file: ip.page.file, line: e.requestLine } });
      const link = readLinks(ip.page.text).find((l) => l.text.toLowerCase() === type.slice(type.lastIndexOf('.') + 1).toLowerCase() && /\.md(#|$)/i.test(l.target));
      if (link && !facts.typeLinks.has(type.toLowerCase())) facts.typeLinks.set(type.toLowerCase(), { page: ip, target: link.target, line: 1 });
    }
    for (const e of matching) {
      const annotated = e.responseAnnotation?.['@odata.type'];
      if (typeof annotated !== 'string') continue;
      for (const item of exampleItems(e)) facts.examples.push({ type: namedSubtype(hierarchy, item, bare(annotated)) ?? bare(annotated), role: 'response', value: item, source: { file: ip.page.file, line: e.responseLine ?? e.line } });
    }
  }
}

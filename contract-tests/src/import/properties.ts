import type { BodyTable, ContractFacts } from './api';
import { isPrimitive, kindFits, kindOf, localName, qualify } from './edm';
import type { JsonKind, LiteralType } from './edm';
import type { ModelBuilder, TypeRef } from './model';
import type { JsonKey, ResourceDraft, RowDraft } from './resources';
import type { PropertyDraft, TypeDraft } from './types';

/** The base type an `Inherited from [x]` row names, per type: read when base types are decided. */
export const INHERITED_FROM = new WeakMap<TypeDraft, string>();

const EDM_OF_KIND: Record<JsonKind, string> = { string: 'Edm.String', integer: 'Edm.Int32', number: 'Edm.Double', boolean: 'Edm.Boolean', object: 'Edm.Untyped' };

const shown = (type: string, collection: boolean) => (collection ? `Collection(${type})` : type);
const shownLiteral = (l: LiteralType) => shown(l.type ?? l.kind ?? 'an empty value', l.collection);

function toProperty(row: RowDraft, ref: TypeRef): PropertyDraft {
  const { link: _link, inheritedFrom: _inherited, ...prop } = row;
  return { ...prop, type: ref.type };
}

/**
 * The one rule for a table row and a JSON representation key that disagree: the table wins, unless the two differ in
 * JSON kind or collection-ness and every example value on the pages (at least one) agrees with the JSON representation
 * and none with the table. Either way the conflict is reported.
 */
function reconcile(b: ModelBuilder, owner: TypeDraft, prop: PropertyDraft, isEnum: boolean, j: JsonKey): void {
  const where = { file: owner.sources[0]?.file ?? prop.source.file, line: j.line };
  const label = `${localName(owner.name)}.${prop.name}`;
  if (j.key !== prop.name) {
    const why = j.key.trim() !== j.key ? 'with surrounding whitespace' : 'in different casing';
    b.findings.push({ ...where, rule: 'name-casing', message: `${label} is written '${j.key}' in the JSON representation (${why}); '${prop.name}' is used` });
  }
  const lit = j.literal;
  if (lit.kind === undefined) return;
  const tableKind = kindOf(prop.type, isEnum);
  const kindClash = !kindFits(lit.kind, tableKind);
  const collectionClash = lit.collection !== prop.collection;
  if (!kindClash && !collectionClash) {
    const named = lit.type && lit.type.toLowerCase() !== prop.type.toLowerCase() && localName(lit.type).toLowerCase() !== localName(prop.type).toLowerCase();
    const primitiveClash = named && (isPrimitive(lit.type ?? '') || lit.kind === 'object');
    if (primitiveClash && !(isEnum && lit.type === 'Edm.String')) {
      b.findings.push({ ...where, rule: 'table-json-mismatch', message: `${label}: the table says ${shown(prop.type, prop.collection)}, the JSON representation ${shownLiteral(lit)}; the table wins` });
    }
    return;
  }
  const evidence = b.evidence.get(`${owner.name}|${prop.name}`.toLowerCase()) ?? [];
  const fits = (e: LiteralType, kind: JsonKind | undefined, collection: boolean) => e.collection === collection && (e.kind === undefined || kind === undefined || kindFits(e.kind, kind));
  const jsonWins = evidence.length > 0 && evidence.every((e) => fits(e, lit.kind, lit.collection)) && !evidence.some((e) => fits(e, tableKind, prop.collection));
  const before = shown(prop.type, prop.collection);
  if (jsonWins) {
    prop.type = lit.type && (isPrimitive(lit.type) || b.lookup(lit.type)) ? (b.lookup(lit.type)?.type ?? lit.type) : EDM_OF_KIND[lit.kind];
    prop.collection = lit.collection;
  }
  const why = jsonWins ? `every example value (${evidence.length}) agrees with the JSON representation, so it wins` : `the table wins${evidence.length > 0 ? ' (the example values do not all agree with the JSON representation)' : ' (no example value decides)'}`;
  b.findings.push({ ...where, rule: 'table-json-mismatch', message: `${label}: the table says ${before}, the JSON representation ${shownLiteral(lit)}; ${why}` });
}

function addFromApiTable(b: ModelBuilder, owner: TypeDraft, table: BodyTable | undefined): void {
  if (!table) return;
  const from = b.pageOf(table.source.file);
  for (const row of table.rows) {
    if (row.inheritedFrom && !INHERITED_FROM.has(owner)) INHERITED_FROM.set(owner, row.inheritedFrom);
    const existing = owner.properties.find((p) => p.name.toLowerCase() === row.name.toLowerCase());
    const ref = from ? b.resolve(from, row.type, row.link, [], row.source) : { type: row.type, isEnum: false };
    if (!existing) {
      b.findings.push({ ...row.source, rule: 'property-from-api-page', message: `${localName(owner.name)}.${row.name} is only in this request-body table; added as ${shown(ref.type, row.collection)}` });
      owner.properties.push({ ...toProperty(row, ref), required: false });
    } else if (existing.type.toLowerCase() !== ref.type.toLowerCase() || existing.collection !== row.collection) {
      b.findings.push({ ...row.source, rule: 'api-table-mismatch', message: `${localName(owner.name)}.${row.name} is ${shown(ref.type, row.collection)} here but ${shown(existing.type, existing.collection)} on the resource page; the resource page wins` });
    }
  }
}

/** Builds a resource page's properties: table rows (types resolved), reconciled with the JSON representation, plus JSON-only keys and API-table additions. */
export function reconcileProperties(b: ModelBuilder, rd: ResourceDraft, contract: ContractFacts | undefined): void {
  const owner = rd.draft;
  const json = new Map(rd.json.map((j) => [j.key.trim().toLowerCase(), j]));
  const used = new Set<string>();
  for (const row of rd.rows) {
    if (owner.properties.some((p) => p.name.toLowerCase() === row.name.toLowerCase())) continue;
    if (row.inheritedFrom && !INHERITED_FROM.has(owner)) INHERITED_FROM.set(owner, row.inheritedFrom);
    const ref = b.resolve(rd.page, row.type, row.link, row.values, row.source);
    const prop = toProperty(row, ref);
    b.applyValues(owner.name, prop, ref, row.source);
    const j = json.get(row.name.toLowerCase());
    if (j) {
      used.add(row.name.toLowerCase());
      reconcile(b, owner, prop, ref.isEnum, j);
    }
    owner.properties.push(prop);
  }
  for (const [lower, j] of json) {
    if (used.has(lower) || lower.startsWith('@')) continue;
    const named = j.literal.type && !isPrimitive(j.literal.type) ? b.resolve(rd.page, j.literal.type, undefined, [], { file: rd.page.page.file, line: j.line }).type : undefined;
    const type = named ?? j.literal.type ?? EDM_OF_KIND[j.literal.kind ?? 'string'];
    const name = j.key.trim();
    b.findings.push({ file: rd.page.page.file, line: j.line, rule: 'table-json-mismatch', message: `${localName(owner.name)}.${name} is only in the JSON representation; added as ${shown(type, j.literal.collection)}` });
    owner.properties.push({ name, type, collection: j.literal.collection, nullable: true, readOnly: false, required: false, description: '', values: [], source: { file: rd.page.page.file, line: j.line } });
  }
  for (const r of rd.relationships) {
    const found = b.lookup(r.type, rd.page.namespace);
    if (!found) b.findings.push({ ...r.source, rule: 'missing-page', message: `the relationship ${r.name} names ${r.type}, which no given page defines; it is listed by name only` });
    owner.navigation.push({ name: r.name, type: found?.type ?? qualify(r.type, rd.page.namespace), collection: r.collection, source: r.source });
  }
  addFromApiTable(b, owner, contract?.create);
  addFromApiTable(b, owner, contract?.update);
}

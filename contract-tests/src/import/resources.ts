import { plainText } from '../markdown-structure';
import type { BlockAnnotation, DocLink, DocTable, DocTableRow } from '../doc-page';
import { literalType, localName, parseTypeCell, preferSpelling, qualify } from './edm';
import type { LiteralType } from './edm';
import { possibleValues } from './enums';
import { isPropertyTable, sectionOf } from './pages';
import type { ImportPage } from './pages';
import type { ImportFinding, NavigationDraft, PropertyDraft, SourceRef, TypeDraft } from './types';

/** A table row read as a property, with the link its type cell carries (resolved later). */
export interface RowDraft extends PropertyDraft {
  link: DocLink | undefined;
  /** The base type an `Inherited from [x]` description names. */
  inheritedFrom: string | undefined;
}

/** A key of the JSON representation, as written (`"implementationCost "` keeps its space). */
export interface JsonKey {
  key: string;
  literal: LiteralType;
  line: number;
}

/** What a resource page says about its type, before links and the table/JSON conflicts are resolved. */
export interface ResourceDraft {
  page: ImportPage;
  draft: TypeDraft;
  rows: RowDraft[];
  relationships: Array<NavigationDraft & { link: DocLink | undefined }>;
  json: JsonKey[];
  annotation: BlockAnnotation | undefined;
}

const NOT_PROPERTIES = /relationship|method|request|response|permission|header|parameter|example|json/i;
const REQUIRED = /\*\*Required\.?\*\*|(^|[.!]\s*)Required\.?(\s|$)/;

/** Reads one row of a property, parameter or relationship table; undefined for rows that name no identifier. */
export function readRow(row: DocTableRow, file: string): RowDraft | undefined {
  const [nameCell = '', typeCell = '', ...rest] = row.cells;
  const written = plainText(nameCell).replace(/`/g, '').trim();
  const starred = /\s*\\?\*$/.test(written);
  const name = written.replace(/\s*\\?\*$/, '').replace(/\s*\(.*\)$/, '');
  if (!/^[@A-Za-z_][\w.@$-]*$/.test(name)) return undefined;
  const raw = rest.join(' | ');
  const description = plainText(raw);
  const cell = parseTypeCell(typeCell);
  return {
    name,
    type: cell.name,
    collection: cell.collection,
    nullable: !/\b(not nullable|non-nullable|not null)\b/i.test(description),
    readOnly: /\bread-?only\b/i.test(description),
    required: starred || REQUIRED.test(raw.replace(/\s+$/, '')),
    description,
    values: possibleValues(description),
    source: { file, line: row.line },
    link: cell.link,
    // "Inherited from [namedLocation](…)." ends a sentence: the period is not part of the name.
    inheritedFrom: /\binherited from\s+\[?([\w.]+)/i.exec(description)?.[1]?.replace(/\.+$/, ''),
  };
}

/** The rows of property tables: not those under Relationships, Methods, Request, Response, … sections. */
function propertyTables(ip: ImportPage): DocTable[] {
  return ip.page.tables.filter((t) => isPropertyTable(t) && !NOT_PROPERTIES.test(sectionOf(ip.page, t.line)?.text ?? ''));
}

function lineOfKey(content: string, startLine: number, key: string): number {
  const i = content.indexOf(JSON.stringify(key));
  return i < 0 ? startLine : startLine + content.slice(0, i).split('\n').length - 1;
}

/** The JSON representation: the `blockType: resource` block (or, lacking the annotation, the json block under its heading). */
function readJson(ip: ImportPage, findings: ImportFinding[]): { json: JsonKey[]; annotation: BlockAnnotation | undefined } {
  const { page } = ip;
  const blocks = page.blocks.filter((b) => b.annotation.blockType === 'resource');
  const heading = page.headings.find((h) => /json representation/i.test(h.text));
  const section = heading ? page.headings.find((h) => h.line > heading.line && h.level <= heading.level)?.line ?? Number.MAX_SAFE_INTEGER : 0;
  const fences = heading ? page.fences.filter((f) => f.line > heading.line && f.line < section && /^(json|javascript)?$/i.test(f.info)) : [];
  const at = (line: number, message: string) => findings.push({ file: page.file, line, rule: 'resource-block', message });
  let block: { content: string; contentLine: number; annotation: BlockAnnotation | undefined } | undefined = blocks[0];
  if (blocks.length > 1) at(blocks[1]?.line ?? 1, `the page has ${blocks.length} 'blockType: resource' blocks; the first (line ${blocks[0]?.line ?? 0}) is used`);
  if (!block && fences[0]) {
    at(fences[0].line, "the JSON representation has no 'blockType: resource' annotation; its json block is used");
    block = { content: fences[0].content, contentLine: fences[0].contentLine, annotation: undefined };
  }
  if (fences.length > 1) at(fences[1]?.line ?? 1, `the JSON representation section has ${fences.length} json blocks; only ${blocks[0] ? 'the annotated one' : 'the first'} is read`);
  if (!block) {
    at(1, 'the page has no JSON representation; the tables alone define the type');
    return { json: [], annotation: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(block.content);
  } catch (err) {
    at(block.contentLine, `the JSON representation is not valid JSON (${(err as Error).message}); the tables alone define the type`);
    return { json: [], annotation: block.annotation };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { json: [], annotation: block.annotation };
  const json = Object.entries(value).map(([key, v]) => ({ key, literal: literalType(v), line: lineOfKey(block.content, block.contentLine, key) }));
  return { json, annotation: block.annotation };
}

const truthy = (v: unknown) => v === true || v === 'true';

/** The first paragraph of prose under the title (notes, includes and the `Namespace:` line skipped). */
function firstParagraph(ip: ImportPage, titleLine: number): string {
  const lines = ip.page.text.split('\n').slice(titleLine);
  const start = lines.findIndex((l) => l.trim() !== '' && !/^\s*(>|\[!INCLUDE|Namespace:|<!--|#|\|)/i.test(l));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && (l.trim() === '' || /^\s*(#|\||>)/.test(l)));
  return plainText(lines.slice(start, end < 0 ? undefined : end).join(' '));
}

/** Reads a resource page: its type's name, annotations, property and relationship tables and JSON representation. */
export function readResourcePage(ip: ImportPage, findings: ImportFinding[]): ResourceDraft {
  const { page } = ip;
  const { json, annotation } = readJson(ip, findings);
  const annotated = typeof annotation?.['@odata.type'] === 'string' ? annotation['@odata.type'].replace(/^#/, '') : undefined;
  const title = page.headings.find((h) => h.level === 1);
  const fromTitle = /^(\S+)\s+(resource|complex|entity)\b/i.exec(title?.text ?? '')?.[1];
  const fromFile = /([^/\\]+?)\.md$/i.exec(page.file)?.[1] ?? page.file;
  if (annotation && !annotated) findings.push({ file: page.file, line: 1, rule: 'resource-block', message: `the resource annotation has no @odata.type; the type is named after the ${fromTitle ? 'title' : 'file'}` });
  const local = localName(annotated ?? fromTitle ?? fromFile);
  // File names are lower-case by convention: they name the type only when nothing else does.
  const spellings = [local, fromTitle].filter((s): s is string => s !== undefined && s.toLowerCase() === local.toLowerCase());
  const name = preferSpelling(spellings);
  if (new Set(spellings).size > 1) findings.push({ file: page.file, line: title?.line ?? 1, rule: 'name-casing', message: `the type is written ${[...new Set(spellings)].map((s) => `'${s}'`).join(', ')}; '${name}' is used` });
  const namespace = annotated?.includes('.') ? annotated.slice(0, annotated.lastIndexOf('.')) : ip.namespace;
  const source: SourceRef = { file: page.file, line: title?.line ?? 1 };
  const rows = propertyTables(ip).flatMap((t) => t.rows.flatMap((r) => readRow(r, page.file) ?? []));
  const relationships = ip.page.tables
    .filter((t) => /^(relationship|property|name)$/i.test(t.header[0] ?? '') && /^type$/i.test(t.header[1] ?? '') && /relationship/i.test(sectionOf(page, t.line)?.text ?? ''))
    .flatMap((t) => t.rows.flatMap((r) => readRow(r, page.file) ?? []))
    .map((r) => ({ name: r.name, type: r.type, collection: r.collection, source: r.source, link: r.link }));
  const draft: TypeDraft = {
    kind: 'complex',
    name: qualify(name, namespace),
    description: firstParagraph(ip, title?.line ?? 0) || plainText(page.frontMatter?.description ?? ''),
    baseType: typeof annotation?.baseType === 'string' ? qualify(annotation.baseType.replace(/^#/, '')) : undefined,
    key: typeof annotation?.keyProperty === 'string' ? annotation.keyProperty : undefined,
    abstract: truthy(annotation?.abstract),
    open: truthy(annotation?.openType),
    properties: [],
    navigation: [],
    members: [],
    stub: false,
    sources: [source],
  };
  return { page: ip, draft, rows, relationships, json, annotation };
}

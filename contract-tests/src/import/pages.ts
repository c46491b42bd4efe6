import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, normalize } from 'node:path';
import type { DocHeading, DocPage, DocTable } from '../doc-page';
import { loadDocPage } from '../load';
import { DEFAULT_NAMESPACE } from './edm';
import type { ImportFinding } from './types';

/** What a page documents; `other` pages (concepts, overviews) are reported and skipped. */
export type PageKind = 'resource' | 'api' | 'enum' | 'other';

/** A loaded page with what the importer decided about it. */
export interface ImportPage {
  page: DocPage;
  kind: PageKind;
  /** From the page's `Namespace: …` line, else microsoft.graph. */
  namespace: string;
  /** False for a page found by following a link. */
  given: boolean;
}

/** How pages found through links are read: a file's text and a folder's file names (undefined when missing). */
export interface PageReader {
  read(file: string): string | undefined;
  list(dir: string): string[] | undefined;
}

/** Reads linked pages from disk. */
export const FS_READER: PageReader = {
  read: (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  },
};

const DOC_TYPES: Record<string, PageKind> = { resourcepagetype: 'resource', apipagetype: 'api', enumpagetype: 'enum' };

/** A `Property | Type` (or `Name | Type`) table. */
export function isPropertyTable(t: DocTable): boolean {
  return /^(property|name)$/i.test(t.header[0] ?? '') && /^type$/i.test(t.header[1] ?? '');
}

/** The nearest heading of level 1 or 2 above a line: the section a table belongs to. */
export function sectionOf(page: DocPage, line: number): DocHeading | undefined {
  return page.headings.filter((h) => h.level <= 2 && h.line < line).pop();
}

/** The text under the first heading matching `pattern`, up to the next heading of the same or a higher level. */
export function sectionText(page: DocPage, pattern: RegExp): { text: string; line: number } | undefined {
  const at = page.headings.findIndex((h) => pattern.test(h.text));
  const start = page.headings[at];
  if (!start) return undefined;
  const end = page.headings.slice(at + 1).find((h) => h.level <= start.level)?.line ?? Number.MAX_SAFE_INTEGER;
  return { text: page.text.split('\n').slice(start.line, end - 1).join('\n'), line: start.line };
}

function structuralKind(page: DocPage): PageKind {
  if (page.blocks.some((b) => b.annotation.blockType === 'resource')) return 'resource';
  if (page.httpRequestLines.length > 0 || page.examples.length > 0) return 'api';
  if (page.tables.some((t) => isPropertyTable(t) && /properties/i.test(sectionOf(page, t.line)?.text ?? ''))) return 'resource';
  if (page.tables.some((t) => /^(member|value)$/i.test(t.header[0] ?? ''))) return 'enum';
  return 'other';
}

function classify(page: DocPage, findings: ImportFinding[]): PageKind {
  const declared = page.frontMatter?.doc_type;
  const kind = declared ? DOC_TYPES[declared.toLowerCase()] : undefined;
  if (kind) return kind;
  const found = structuralKind(page);
  const why = declared ? `its doc_type '${declared}' is not resourcePageType, apiPageType or enumPageType` : page.frontMatter ? 'its front matter has no doc_type' : 'it has no front matter';
  const what = found === 'other' ? 'it is skipped (no resource block, property table, request line or enum table)' : `it is read as ${found === 'api' ? 'an API' : found === 'enum' ? 'an enum' : 'a resource'} page from its structure`;
  findings.push({ file: page.file, line: 1, rule: 'page-kind', message: `${why}; ${what}` });
  return found;
}

/** Loads and classifies one page; its loader findings are passed through. */
export function toImportPage(file: string, text: string, given: boolean, findings: ImportFinding[]): ImportPage {
  const page = loadDocPage(text, file);
  for (const f of page.findings) findings.push({ file, line: f.line, rule: 'loader', message: `${f.rule}: ${f.message}` });
  const namespace = /^Namespace:\s*([A-Za-z][\w.]*)/m.exec(page.text)?.[1]?.replace(/\.$/, '') ?? DEFAULT_NAMESPACE;
  return { page, kind: classify(page, findings), namespace, given };
}

/** A resolved link: the page it names and the anchor after `#` (empty when none). */
export interface LinkTarget {
  page: ImportPage;
  anchor: string;
}

/** The given pages plus those found by following links; resolves links case-insensitively. */
export class PageSet {
  readonly pages: ImportPage[] = [];
  private readonly byPath = new Map<string, ImportPage>();

  constructor(
    private readonly reader: PageReader,
    private readonly findings: ImportFinding[],
  ) {}

  /** Adds a page (given, or found through a link). */
  add(page: ImportPage): ImportPage {
    this.pages.push(page);
    this.byPath.set(normalize(page.page.file).toLowerCase(), page);
    return page;
  }

  /**
   * The page a link names: the same page for `#anchor`, else a loaded page at the linked path, else a given page of
   * that file name, else a file of that name (in any casing) in the linked folder. `missing` when none; undefined for
   * links that are not to Markdown pages (URLs, site-absolute paths).
   */
  resolve(from: ImportPage, target: string, line: number): LinkTarget | 'missing' | undefined {
    const [path = '', anchor = ''] = target.split('#');
    if (path === '') return { page: from, anchor: anchor.toLowerCase() };
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || !/\.md$/i.test(path)) return undefined;
    const resolved = normalize(join(dirname(from.page.file), path));
    const name = basename(path);
    const found =
      this.byPath.get(resolved.toLowerCase()) ??
      this.pages.find((p) => p.given && basename(p.page.file).toLowerCase() === name.toLowerCase()) ??
      this.loadFromFolder(dirname(resolved), name);
    if (!found) return 'missing';
    const actual = basename(found.page.file);
    if (actual !== name) this.findings.push({ file: from.page.file, line, rule: 'link-casing', message: `the link '${target}' finds '${actual}' (the file names differ in casing)` });
    return { page: found, anchor: anchor.toLowerCase() };
  }

  private loadFromFolder(dir: string, name: string): ImportPage | undefined {
    const match = (this.reader.list(dir) ?? []).find((n) => n.toLowerCase() === name.toLowerCase());
    if (!match) return undefined;
    const file = join(dir, match);
    const text = this.reader.read(file);
    if (text === undefined) {
      this.findings.push({ file, line: 1, rule: 'page-unreadable', message: `the linked page ${file} cannot be read` });
      return undefined;
    }
    return this.add(toImportPage(file, text, false, this.findings));
  }
}

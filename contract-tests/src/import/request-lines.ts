import type { DocExample } from '../doc-page';
import type { ImportPage } from './pages';
import type { ImportFinding, SourceRef } from './types';
import { preferSpelling } from './edm';

/** A request line's path below the version root, split at its key segment. */
export interface RequestPath {
  segments: string[];
  /** Index of the key segment (`{id}`, or the key of `name('{id}')`), -1 when none. */
  keyAt: number;
  /** A trailing `$ref`, `$count` or `$value`, removed from `segments`. */
  suffix: string | undefined;
}

const PLACEHOLDER = /^\{[^{}]+\}$/;
const truthy = (v: unknown) => v === true || v === 'true';

/** Reads `GET /security/tiIndicators/{id}`'s path; host, `docs\api` placeholder roots, the version and the query are dropped. */
export function readRequestPath(url: string): RequestPath {
  const path = (url.replace(/\\/g, '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('?')[0] ?? '').split('/').filter((s) => s !== '');
  let segs = /^docs$/i.test(path[0] ?? '') && /^api$/i.test(path[1] ?? '') ? path.slice(2) : path;
  if (/^(beta|v1\.0)$/i.test(segs[0] ?? '')) segs = segs.slice(1);
  const segments: string[] = [];
  for (const s of segs) {
    const keyed = /^([^(]+)\(('?)(\{[^{}]+\})\2\)$/.exec(s);
    if (keyed) segments.push(keyed[1] ?? '', keyed[3] ?? '');
    else segments.push(s);
  }
  const suffix = /^\$(ref|count|value)$/i.test(segments[segments.length - 1] ?? '') ? segments.pop() : undefined;
  return { segments, keyAt: segments.findIndex((s) => PLACEHOLDER.test(s)), suffix };
}

/** One HTTP request line of an API page. */
export interface RequestLine {
  page: ImportPage;
  method: string;
  path: RequestPath;
  source: SourceRef;
}

/** The page's examples of a request line: same method and the same path, placeholders matching any segment. */
export function examplesFor(line: RequestLine): DocExample[] {
  const want = line.path.segments.map((x) => x.toLowerCase());
  return line.page.page.examples.filter((e) => {
    if (e.request.method !== line.method) return false;
    const got = readRequestPath(e.request.url).segments.map((x) => x.toLowerCase().replace(/\(.*\)$/, ''));
    return got.length === want.length && want.every((w, i) => PLACEHOLDER.test(w) || PLACEHOLDER.test(got[i] ?? '') || w.replace(/\(.*\)$/, '') === got[i]);
  });
}

/** What a request line addresses. */
export type LineTarget =
  | { kind: 'collection' | 'entity'; set: string[] }
  | { kind: 'operation'; set: string[]; bindsTo: 'collection' | 'entity'; name: string; isFunction: boolean };

/** The page's request lines: its `ignored` http blocks, else http blocks under its "HTTP request" heading. */
export function requestLinesOf(ip: ImportPage, findings: ImportFinding[]): RequestLine[] {
  const { page } = ip;
  let lines = page.httpRequestLines.map((l) => ({ method: l.method, url: l.url, line: l.line }));
  if (lines.length === 0) {
    const heading = page.headings.find((h) => /^http request$/i.test(h.text));
    const end = heading ? page.headings.find((h) => h.line > heading.line && h.level <= heading.level)?.line ?? Number.MAX_SAFE_INTEGER : 0;
    lines = page.fences
      .filter((f) => heading && f.line > heading.line && f.line < end && /^(http)?$/i.test(f.info))
      .flatMap((f) => f.content.split('\n').flatMap((l, i) => {
        const m = /^\s*(GET|POST|PATCH|PUT|DELETE)\s+(\S+)/.exec(l);
        return m ? [{ method: m[1] ?? '', url: m[2] ?? '', line: f.contentLine + i }] : [];
      }));
    if (lines.length > 0) findings.push({ file: page.file, line: lines[0]?.line ?? 1, rule: 'request-line', message: "the HTTP request block has no 'blockType: ignored' annotation; its lines are read anyway" });
  }
  return lines.map((l) => ({ page: ip, method: l.method, path: readRequestPath(l.url), source: { file: page.file, line: l.line } }));
}

/** True when the page documents an operation named `name`: a `Parameter` table, or a title `type: name`. */
function isOperationPage(ip: ImportPage, name: string): boolean {
  const title = ip.page.headings.find((h) => h.level === 1)?.text ?? '';
  return name.includes('(') || new RegExp(`:\\s*${name.replace(/\W/g, '')}\\s*$`, 'i').test(title) || ip.page.tables.some((t) => /^parameter$/i.test(t.header[0] ?? ''));
}

const joinLower = (segs: readonly string[]) => segs.join('/').toLowerCase();

/**
 * Classifies every request line: `X /set/{key}` addresses an entity of the set `set`, `POST /set/name` an action bound to
 * the collection when `set` has a key segment on some line (or the page documents an operation), `POST /set/{key}/name`
 * an action bound to an entity when the page documents an operation; `GET …/name(…)` is a function. Anything deeper is
 * reported and skipped.
 */
export function classifyLines(lines: readonly RequestLine[], findings: ImportFinding[]): Array<{ line: RequestLine; target: LineTarget }> {
  const keyed = new Set(lines.filter((l) => l.path.keyAt > 0).map((l) => joinLower(l.path.segments.slice(0, l.path.keyAt))));
  const out: Array<{ line: RequestLine; target: LineTarget }> = [];
  const skip = (l: RequestLine, why: string) => findings.push({ ...l.source, rule: 'request-line', message: `${l.method} /${l.path.segments.join('/')}: ${why}; not imported` });
  for (const l of lines) {
    const { segments, keyAt, suffix } = l.path;
    if (suffix && !/^\$ref$/i.test(suffix)) continue;
    if (suffix) findings.push({ ...l.source, rule: 'request-line', message: `${l.method} …/${suffix}: the ${suffix} segment is dropped and the line read as ${l.method} /${segments.join('/')}` });
    if (segments.length === 0 || keyAt === 0) {
      skip(l, 'no entity set before the key');
      continue;
    }
    const last = segments[segments.length - 1] ?? '';
    const opName = last.replace(/\(.*$/, '').replace(/^microsoft\.graph\./i, '');
    if (keyAt > 0) {
      const set = segments.slice(0, keyAt);
      const after = segments.slice(keyAt + 1);
      if (after.length === 0) out.push({ line: l, target: { kind: 'entity', set } });
      else if (after.length === 1 && isOperationPage(l.page, last)) out.push({ line: l, target: { kind: 'operation', set, bindsTo: 'entity', name: opName, isFunction: l.method === 'GET' } });
      else skip(l, 'a path below an entity (navigation or nested collection)');
      continue;
    }
    const parent = segments.slice(0, -1);
    if (parent.length > 0 && (keyed.has(joinLower(parent)) || isOperationPage(l.page, last))) {
      out.push({ line: l, target: { kind: 'operation', set: parent, bindsTo: 'collection', name: opName, isFunction: l.method === 'GET' } });
    } else if ([...keyed].some((k) => k.startsWith(`${joinLower(segments)}/`))) {
      skip(l, 'a singleton (other request lines address collections below it)');
    } else if (l.method === 'GET' && examplesFor(l).some((e) => e.responseAnnotation) && !examplesFor(l).some((e) => truthy(e.responseAnnotation?.isCollection))) {
      skip(l, 'a GET whose response examples are not collections (a singleton or a single entity)');
    } else out.push({ line: l, target: { kind: 'collection', set: segments } });
  }
  return out;
}

/** One spelling per entity set: segment by segment, the lowerCamelCase spelling wins (reported when they differ). */
export function setSpellings(classified: ReadonlyArray<{ line: RequestLine; target: LineTarget }>, findings: ImportFinding[]): Map<string, string> {
  const groups = new Map<string, Array<{ set: string[]; source: SourceRef }>>();
  for (const { line, target } of classified) {
    const key = joinLower(target.set);
    groups.set(key, [...(groups.get(key) ?? []), { set: target.set, source: line.source }]);
  }
  const out = new Map<string, string>();
  for (const [key, uses] of groups) {
    const first = uses[0]!;
    const chosen = first.set.map((_, i) => preferSpelling(uses.map((u) => u.set[i] ?? ''))).join('/');
    const written = [...new Set(uses.map((u) => u.set.join('/')))];
    if (written.length > 1) findings.push({ ...first.source, rule: 'path-casing', message: `the entity set is written ${written.map((w) => `'/${w}'`).join(', ')}; '/${chosen}' is used` });
    out.set(key, chosen);
  }
  return out;
}

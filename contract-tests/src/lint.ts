import { findOperation } from '../../server/src/index';
import type { GraphDefinition } from '../../server/src/index';
import { withoutAnnotations } from './context';
import type { DocPage } from './doc-page';
import { pathOnly, sameShape, withoutRef } from './paths';
import { normalizeExampleUrl } from './replay';
import { readPropertyTable } from './tables';

/** How bad a finding is: errors make `mockgraph lint-docs` exit 1. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem of a doc page. */
export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  severity: Severity;
  message: string;
}

/** The loader's own findings, by severity. */
const LOADER_SEVERITY: Record<string, Severity> = {
  'annotation-json': 'error',
  'body-json': 'error',
  'body-json-relaxed': 'error',
  'unclosed-block': 'error',
  'request-line': 'error',
  'status-line': 'error',
  'annotation-without-block': 'warning',
  'request-without-response': 'warning',
  'response-without-request': 'warning',
  'duplicate-example-name': 'warning',
};

/** Every rule `lint-docs` applies, with its severity (README's table is drift-tested against this). */
export const LINT_RULES: Record<string, { severity: Severity; what: string }> = {
  'annotation-json': { severity: 'error', what: 'an annotation comment that is not JSON' },
  'body-json': { severity: 'error', what: 'a request or response body that is not valid JSON (a literal `...`): the example is skipped' },
  'body-json-relaxed': { severity: 'error', what: 'a body that is JSON only without its trailing commas or comments: the replay sends it without them' },
  'unclosed-block': { severity: 'error', what: 'a fenced block that is never closed' },
  'request-line': { severity: 'error', what: 'a request block whose first line is not `METHOD URL`' },
  'status-line': { severity: 'error', what: 'a response block whose first line is not `HTTP/1.1 NNN Reason`' },
  'annotation-without-block': { severity: 'warning', what: 'an annotation with no fenced block before the next annotation' },
  'request-without-response': { severity: 'warning', what: 'a request example with no response block' },
  'response-without-request': { severity: 'warning', what: 'a response block with no request to pair with' },
  'duplicate-example-name': { severity: 'warning', what: 'two examples with the same name' },
  'url-backslash': { severity: 'warning', what: 'an example URL with a backslash' },
  'url-placeholder-root': { severity: 'warning', what: 'an example URL with a placeholder root such as `docs\\api`' },
  'url-missing-version': { severity: 'warning', what: 'an example URL without a `/beta` or `/v1.0` version segment' },
  'request-line-mismatch': { severity: 'warning', what: "an HTTP request line that disagrees with the example's path (e.g. `$ref`), or an example path no request line documents" },
  'odata-type-casing': { severity: 'warning', what: "an `@odata.type` whose casing differs from the type's name" },
  'odata-type-hash': { severity: 'warning', what: 'an `@odata.type` value in a body without the leading `#`' },
  'content-length': { severity: 'warning', what: 'a Content-Length that matches the body only with CRLF line endings, or no rendering of it' },
  'permissions-todo': { severity: 'warning', what: 'a permissions table cell that says TODO' },
  'required-includes-id': { severity: 'warning', what: 'a table of properties "required when you create" that lists the server-assigned `id`' },
  'truncated-but-complete': { severity: 'info', what: '`"truncated": true` on a body that shows every property of its type' },
  'table-schema-mismatch': { severity: 'error', what: "a property table row whose name, type or collection-ness disagrees with the type's schema" },
  'body-schema': { severity: 'error', what: "an example body that fails its type's schema" },
  'response-incomplete': { severity: 'warning', what: 'a response marked `"truncated": false` that lacks declared properties of its type (Graph answers them all)' },
};

function at(file: string, line: number, rule: string, message: string): LintFinding {
  return { file, line, rule, severity: LINT_RULES[rule]?.severity ?? 'warning', message };
}

/** The 1-based line, from `startLine`, where `needle` first occurs in `content` (or `startLine`). */
function lineOf(content: string, startLine: number, needle: string, from = 0): number {
  const i = content.indexOf(needle, from);
  return i < 0 ? startLine : startLine + content.slice(0, i).split('\n').length - 1;
}

function lintUrls(page: DocPage, out: LintFinding[]): void {
  for (const e of page.examples) {
    const url = e.request.url;
    if (url === '') continue;
    if (url.includes('\\')) out.push(at(page.file, e.requestLine, 'url-backslash', `the example URL '${url}' contains a backslash`));
    const path = url.replace(/\\/g, '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
    if (/^\/?docs\/api(\/|$)/i.test(path)) out.push(at(page.file, e.requestLine, 'url-placeholder-root', `the example URL '${url}' uses the placeholder root 'docs/api' instead of a service root`));
    if (!/^\/?(beta|v1\.0)(\/|$)/i.test(path)) out.push(at(page.file, e.requestLine, 'url-missing-version', `the example URL '${url}' names no version (/beta or /v1.0)`));
  }
}

function lintRequestLines(page: DocPage, out: LintFinding[]): void {
  if (page.httpRequestLines.length === 0) return;
  for (const e of page.examples.filter((x) => x.request.method !== '')) {
    const example = pathOnly(normalizeExampleUrl(e.request.url));
    const lines = page.httpRequestLines.filter((l) => l.method === e.request.method).map((l) => ({ ...l, path: normalizeExampleUrl(l.url) }));
    if (lines.some((l) => sameShape(l.path, example))) continue;
    const viaRef = lines.find((l) => sameShape(withoutRef(l.path), withoutRef(example)));
    if (viaRef) {
      out.push(at(page.file, viaRef.line, 'request-line-mismatch', `the HTTP request line '${viaRef.method} ${viaRef.url}' and the example '${e.name}' (${e.request.method} ${pathOnly(e.request.url)}) disagree about $ref`));
    } else {
      out.push(at(page.file, e.requestLine, 'request-line-mismatch', `no HTTP request line documents the example '${e.name}' (${e.request.method} ${pathOnly(e.request.url)})`));
    }
  }
}

/** Every `"@odata.type": "..."` value of a JSON body, with its line. */
function bodyTypes(bodyText: string, bodyLine: number): Array<{ value: string; line: number }> {
  return [...bodyText.matchAll(/"@odata\.type"\s*:\s*"([^"]*)"/g)].map((m) => ({ value: m[1] ?? '', line: lineOf(bodyText, bodyLine, m[0], m.index) }));
}

function lintODataTypes(page: DocPage, graph: GraphDefinition, out: LintFinding[]): void {
  const check = (value: string, line: number, where: string, wantHash: boolean) => {
    const bare = value.startsWith('#') ? value.slice(1) : value;
    const type = graph.model.resolveType(bare);
    if (type && type.name !== bare) out.push(at(page.file, line, 'odata-type-casing', `${where} @odata.type '${value}' differs in casing from '${type.name}'`));
    if (wantHash && !value.startsWith('#') && !value.startsWith('Collection(')) out.push(at(page.file, line, 'odata-type-hash', `${where} @odata.type '${value}' lacks the leading '#' (OData JSON format §4.5.3)`));
  };
  for (const b of page.blocks) {
    const annotated = b.annotation['@odata.type'];
    if (typeof annotated === 'string') check(annotated, b.line, 'the annotation', false);
    if (b.annotation.blockType !== 'request' && b.annotation.blockType !== 'response') continue;
    const bodyStart = b.content.indexOf('\n\n');
    if (bodyStart < 0) continue;
    const bodyLine = lineOf(b.content, b.contentLine, '\n\n') + 2;
    for (const t of bodyTypes(b.content.slice(bodyStart + 2), bodyLine)) check(t.value, t.line, 'the body', true);
  }
}

function lintContentLength(page: DocPage, out: LintFinding[]): void {
  const messages = [...page.examples.map((e) => ({ m: e.request, line: e.requestLine })), ...page.examples.flatMap((e) => (e.response ? [{ m: e.response, line: e.responseLine ?? e.line }] : []))];
  for (const { m, line } of messages) {
    const header = m.headers.find(([n]) => n.toLowerCase() === 'content-length');
    if (!header || m.bodyText === '') continue;
    const declared = Number(header[1]);
    const lf = Buffer.byteLength(m.bodyText);
    const variants: Array<[string, number]> = [
      ['LF line endings', lf],
      ['LF line endings and a final newline', lf + 1],
      ['CRLF line endings', Buffer.byteLength(m.bodyText.replace(/\n/g, '\r\n'))],
      ['CRLF line endings and a final CRLF', Buffer.byteLength(m.bodyText.replace(/\n/g, '\r\n')) + 2],
    ];
    const match = variants.find(([, n]) => n === declared);
    if (match && match[0].startsWith('LF')) continue;
    const why = match ? `matches the body only with ${match[0]}` : 'matches no rendering of the body';
    out.push(at(page.file, line + 1 + m.headers.indexOf(header), 'content-length', `Content-Length ${header[1]} ${why} (with LF line endings it is ${lf} bytes)`));
  }
}

function lintTables(page: DocPage, graph: GraphDefinition, out: LintFinding[]): void {
  const lines = page.text.split('\n');
  lines.forEach((l, i) => {
    if (/^\|[^|]*(Delegated|Application)[^|]*\|.*TODO/i.test(l)) out.push(at(page.file, i + 1, 'permissions-todo', `the permissions table says TODO: ${l.replace(/\*\*/g, '').trim()}`));
  });
  const rows = readPropertyTable(page);
  if (rows.length === 0) return;
  const tableLine = rows[0]!.line;
  const intro = lines.slice(Math.max(0, tableLine - 6), tableLine - 2).join(' ');
  const idRow = rows.find((r) => r.name === 'id');
  if (/required/i.test(intro) && idRow) {
    out.push(at(page.file, idRow.line, 'required-includes-id', "the table of properties required when you create lists 'id', which the server assigns (entity key, read-only)"));
  }
  const typeName = page.blocks.map((b) => b.annotation['@odata.type']).find((t): t is string => typeof t === 'string');
  const type = typeName ? graph.model.resolveType(typeName) : undefined;
  if (!type) return;
  for (const row of rows) {
    const prop = type.property(row.name);
    if (!prop) {
      out.push(at(page.file, row.line, 'table-schema-mismatch', `'${row.name}' is not a property of ${type.name} in schemas/`));
      continue;
    }
    const schemaType = prop.type.slice(prop.type.lastIndexOf('.') + 1);
    if (schemaType.toLowerCase() !== row.type.toLowerCase()) out.push(at(page.file, row.line, 'table-schema-mismatch', `'${row.name}' is ${row.type} in the table but ${prop.type} in schemas/`));
    if (prop.collection !== row.collection) out.push(at(page.file, row.line, 'table-schema-mismatch', `'${row.name}' is ${row.collection ? '' : 'not '}a collection in the table but ${prop.collection ? '' : 'not '}in schemas/`));
  }
}

function lintBodies(page: DocPage, graph: GraphDefinition, out: LintFinding[]): void {
  for (const e of page.examples) {
    const annotated = e.responseAnnotation?.['@odata.type'];
    const type = typeof annotated === 'string' ? graph.model.resolveType(annotated) : undefined;
    if (!type) continue;
    // An action's request body is its parameters, not a value of the type its response shows.
    const last = pathOnly(normalizeExampleUrl(e.request.url)).split('/').pop() ?? '';
    const toOperation = graph.model.entitySets.some((set) => findOperation(set, last) !== undefined);
    if (e.request.body !== undefined && (e.request.method === 'POST' || e.request.method === 'PATCH') && !toOperation) {
      for (const m of graph.validator.check(type.schemaId, withoutAnnotations(e.request.body))) out.push(at(page.file, e.requestLine, 'body-schema', `the request body of '${e.name}' fails ${type.name}: ${m}`));
    }
    const body = e.response?.body;
    if (body === undefined || e.responseAnnotation?.expectError === true) continue;
    const property = typeof e.responseAnnotation?.collectionProperty === 'string' ? e.responseAnnotation.collectionProperty : 'value';
    const items = e.responseAnnotation?.isCollection === true ? ((body as Record<string, unknown>)[property] as unknown[] | undefined) ?? [] : [body];
    for (const item of items) {
      for (const m of graph.validator.check(type.schemaId, withoutAnnotations(item))) out.push(at(page.file, e.responseLine ?? e.line, 'body-schema', `the response body of '${e.name}' fails ${type.name}: ${m}`));
    }
    if (e.responseAnnotation?.truncated === true && e.responseAnnotation.isCollection !== true && typeof body === 'object' && body !== null) {
      const missing = type.properties.filter((p) => !(p.name in body));
      if (missing.length === 0) out.push(at(page.file, e.responseLine ?? e.line, 'truncated-but-complete', `the response of '${e.name}' is marked truncated but shows every property of ${type.name}`));
    }
    // Graph answers every property of an entity; a response that says it is complete should show them all.
    const shown = e.responseAnnotation?.isCollection === true ? items : [body];
    if (e.responseAnnotation?.truncated === false && e.response?.status !== 204) {
      for (const item of shown.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)).slice(0, 1)) {
        const missing = type.properties.filter((p) => !(p.name in item)).map((p) => p.name);
        if (missing.length > 0) out.push(at(page.file, e.responseLine ?? e.line, 'response-incomplete', `the response of '${e.name}' is marked "truncated": false but lacks ${missing.length} propert${missing.length === 1 ? 'y' : 'ies'} of ${type.name}: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`));
      }
    }
  }
}

/** Lints one loaded page against the schemas. */
export function lintPage(page: DocPage, graph: GraphDefinition): LintFinding[] {
  const out: LintFinding[] = page.findings.map((f) => ({ file: page.file, line: f.line, rule: f.rule, severity: LOADER_SEVERITY[f.rule] ?? 'warning', message: f.message }));
  lintUrls(page, out);
  lintRequestLines(page, out);
  lintODataTypes(page, graph, out);
  lintContentLength(page, out);
  lintTables(page, graph, out);
  lintBodies(page, graph, out);
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** `file:line: severity rule: message`, one finding per line. */
export function formatFindings(findings: readonly LintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.message}`).join('\n') + (findings.length > 0 ? '\n' : '');
}

import { relaxJson } from './relaxed-json';

/** One `<!-- { ... } -->` annotation of a Graph doc page, as written (unknown keys kept). */
export interface BlockAnnotation {
  blockType?: string;
  name?: string;
  truncated?: boolean;
  isCollection?: boolean;
  collectionProperty?: string;
  isEmpty?: boolean;
  expectError?: boolean;
  '@odata.type'?: string;
  [key: string]: unknown;
}

/** A fenced block that follows an annotation. */
export interface AnnotatedBlock {
  annotation: BlockAnnotation;
  /** 1-based line of the annotation comment. */
  line: number;
  /** 1-based line of the block's first content line. */
  contentLine: number;
  info: string;
  content: string;
}

/** Headers as the doc writes them: names keep their spelling, duplicates keep their order. */
export type DocHeaders = Array<[name: string, value: string]>;

/** The HTTP request of an example. */
export interface DocRequest {
  method: string;
  url: string;
  headers: DocHeaders;
  bodyText: string;
  body: unknown;
}

/** The HTTP response of an example. */
export interface DocResponse {
  status: number;
  headers: DocHeaders;
  bodyText: string;
  body: unknown;
  /** Set when the doc's body is not JSON: the example still replays, its body cannot be compared. */
  bodyProblem?: string;
}

/** Something about the page itself that is wrong or odd (not a server failure). */
export interface DocFinding {
  line: number;
  rule: string;
  message: string;
}

/** A request/response pair of the page. */
export interface DocExample {
  name: string;
  request: DocRequest;
  requestAnnotation: BlockAnnotation;
  response: DocResponse | undefined;
  responseAnnotation: BlockAnnotation | undefined;
  /** False when the doc's own blocks cannot be replayed; `problems` says why. */
  replayable: boolean;
  problems: string[];
  line: number;
  /** 1-based line of the request's first line (its request line). */
  requestLine: number;
  /** 1-based line of the response's first line, when there is one. */
  responseLine: number | undefined;
}

/** A request line of the page's "HTTP request" section (an `ignored` http block), e.g. `POST /Security/ipSecurityProfiles/$ref`. */
export interface HttpRequestLine {
  method: string;
  url: string;
  line: number;
}

/** A Markdown heading (`#` to `######`, up to three spaces of indent) outside fenced blocks. */
export interface DocHeading {
  level: number;
  /** The text with inline markup removed. */
  text: string;
  /** The link anchor Graph's docs use for it (GitHub's rule): `Indicator observables - email` → `indicator-observables---email`. */
  anchor: string;
  line: number;
}

/** One row of a Markdown table: its cells as written (trimmed, `\|` unescaped) and its 1-based line. */
export interface DocTableRow {
  cells: string[];
  line: number;
}

/** A Markdown table outside fenced blocks, with the heading it stands under and the prose between the two. */
export interface DocTable {
  header: string[];
  rows: DocTableRow[];
  /** 1-based line of the header row. */
  line: number;
  heading: DocHeading | undefined;
  intro: string;
}

/** A fenced block, annotated or not. */
export interface DocFence {
  info: string;
  /** 1-based line of the opening fence. */
  line: number;
  contentLine: number;
  content: string;
}

/** A Markdown link `[text](target)`. */
export interface DocLink {
  text: string;
  target: string;
}

/** A parsed documentation page. */
export interface DocPage {
  file: string;
  title: string;
  /** The text with LF line endings. */
  text: string;
  /** The YAML front matter's `key: value` lines (quotes removed), or undefined when the page has none. */
  frontMatter: Record<string, string> | undefined;
  headings: DocHeading[];
  tables: DocTable[];
  fences: DocFence[];
  blocks: AnnotatedBlock[];
  examples: DocExample[];
  /** The request lines the page's "HTTP request" section documents. */
  httpRequestLines: HttpRequestLine[];
  findings: DocFinding[];
}

/** Block types whose annotation must be followed by a fenced block. */
const BLOCK_TYPES_WITH_CODE = ['request', 'response', 'resource'];

const ANNOTATION = /<!--\s*(\{[\s\S]*?\})\s*-->/g;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Finds every annotation comment and the fenced block after it. */
export function findAnnotatedBlocks(text: string, findings: DocFinding[] = []): AnnotatedBlock[] {
  const blocks: AnnotatedBlock[] = [];
  const matches = [...text.matchAll(ANNOTATION)];
  matches.forEach((m, k) => {
    const line = lineAt(text, m.index);
    let annotation: BlockAnnotation;
    try {
      annotation = JSON.parse(m[1] ?? '') as BlockAnnotation;
    } catch (err) {
      findings.push({ line, rule: 'annotation-json', message: `annotation is not valid JSON: ${(err as Error).message}` });
      return;
    }
    // The block must come before the next annotation: tab headers and include markup may stand in between.
    const end = matches[k + 1]?.index ?? text.length;
    const after = text.slice(m.index + m[0].length, end).split('\n');
    const open = after.findIndex((l) => /^\s{0,3}(```|~~~)/.test(l));
    if (open < 0) {
      // Permissions, page and example annotations often stand before include markup alone.
      if (BLOCK_TYPES_WITH_CODE.includes(String(annotation.blockType))) {
        findings.push({ line, rule: 'annotation-without-block', message: `a '${String(annotation.blockType)}' annotation is not followed by a fenced block before the next annotation` });
      }
      return;
    }
    const opener = (after[open] ?? '').trim();
    const fence = opener.startsWith('~~~') ? '~~~' : '```';
    const close = after.findIndex((l, i) => i > open && l.trim() === fence);
    if (close < 0) findings.push({ line, rule: 'unclosed-block', message: 'the fenced block after this annotation is never closed' });
    const info = opener.slice(3).trim();
    const content = after.slice(open + 1, close < 0 ? undefined : close).join('\n');
    blocks.push({ annotation, line, contentLine: line + lineAt(m[0], m[0].length) - 1 + open + 1, info, content });
  });
  return blocks;
}

function splitMessage(content: string): { startLine: string; headers: DocHeaders; bodyText: string } {
  const lines = content.split('\n');
  const startLine = (lines.shift() ?? '').trim();
  const headers: DocHeaders = [];
  while (lines.length > 0 && (lines[0] ?? '').trim() !== '') {
    const l = lines.shift() ?? '';
    const colon = l.indexOf(':');
    if (colon > 0) headers.push([l.slice(0, colon).trim(), l.slice(colon + 1).trim()]);
  }
  return { startLine, headers, bodyText: lines.join('\n').trim() };
}

/**
 * Parses a block's body. A body that is JSON but for trailing commas or comments is read leniently (a finding
 * that does not stop the replay) and replayed as the strict JSON it stands for.
 */
function parseBody(bodyText: string, line: number, findings: DocFinding[]): { body: unknown; bodyText: string; ok: boolean } {
  if (bodyText === '') return { body: undefined, bodyText, ok: true };
  try {
    return { body: JSON.parse(bodyText) as unknown, bodyText, ok: true };
  } catch (err) {
    const relaxed = relaxJson(bodyText);
    if (relaxed !== undefined) {
      try {
        const body = JSON.parse(relaxed) as unknown;
        findings.push({ line, rule: 'body-json-relaxed', message: 'body has trailing commas or comments, which JSON forbids; it is read without them' });
        return { body, bodyText: JSON.stringify(body, null, 2), ok: true };
      } catch {
        // Still not JSON: report the original error below.
      }
    }
    findings.push({ line, rule: 'body-json', message: `body is not valid JSON: ${(err as Error).message}` });
    return { body: undefined, bodyText, ok: false };
  }
}

/** Parses a request block: `METHOD URL [HTTP/x]`, headers, blank line, body. */
export function parseRequestBlock(content: string, line: number, findings: DocFinding[]): { request: DocRequest; ok: boolean } {
  const { startLine, headers, bodyText } = splitMessage(content);
  // `GET https://…?$filter=createdDateTime ge 2019-09-01T00:00:00Z [HTTP/1.1]`: the URL runs to the end of the line.
  const [method = '', ...rest] = startLine.split(/\s+/);
  const url = rest.join(' ').replace(/\s+HTTP\/\d(\.\d)?$/i, '');
  const parsed = parseBody(bodyText, line, findings);
  const ok = parsed.ok && /^[A-Z]+$/.test(method) && url !== '';
  if (!ok && parsed.ok) findings.push({ line, rule: 'request-line', message: `request line '${startLine}' is not 'METHOD URL'` });
  return { request: { method, url, headers, bodyText: parsed.bodyText, body: parsed.body }, ok };
}

/** Parses a response block: `HTTP/1.1 201 Created`, headers, blank line, body. */
export function parseResponseBlock(content: string, line: number, findings: DocFinding[]): { response: DocResponse; ok: boolean } {
  const { startLine, headers, bodyText } = splitMessage(content);
  const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(startLine)?.[1] ?? NaN);
  const before = findings.length;
  const parsed = parseBody(bodyText, line, findings);
  // A response body that is not JSON does not stop the replay: its status and headers can still be checked.
  const ok = Number.isInteger(status);
  if (!Number.isInteger(status)) findings.push({ line, rule: 'status-line', message: `status line '${startLine}' is not 'HTTP/1.1 NNN Reason'` });
  const bodyProblem = parsed.ok ? undefined : findings[before]?.message;
  return { response: { status, headers, bodyText: parsed.bodyText, body: parsed.body, ...(bodyProblem ? { bodyProblem } : {}) }, ok };
}

const REQUEST_LINE = /^\s*(GET|POST|PATCH|PUT|DELETE)\s+(\S+)/;

/** The request lines of `ignored` http blocks: the page's "HTTP request" section. */
function findHttpRequestLines(blocks: readonly AnnotatedBlock[]): HttpRequestLine[] {
  return blocks
    .filter((b) => b.annotation.blockType === 'ignored' && /^(http)?$/i.test(b.info))
    .flatMap((b) =>
      b.content.split('\n').flatMap((l, i) => {
        const m = REQUEST_LINE.exec(l);
        return m ? [{ method: m[1] ?? '', url: m[2] ?? '', line: b.contentLine + i }] : [];
      }),
    );
}

/** A unique example name: a repeated one gets `#2`, `#3`, … and a finding. */
function uniqueName(wanted: string, taken: Set<string>, line: number, findings: DocFinding[]): string {
  if (!taken.has(wanted)) return wanted;
  let n = 2;
  while (taken.has(`${wanted}#${n}`)) n++;
  findings.push({ line, rule: 'duplicate-example-name', message: `the example name '${wanted}' is used more than once; this one is reported as '${wanted}#${n}'` });
  return `${wanted}#${n}`;
}

const FRONT_MATTER = /^\uFEFF?---\n([\s\S]*?)\n---[ \t]*(\n|$)/;
const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const LINKS = /\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;

/** The front matter's `key: value` lines; a page without front matter gives undefined. */
export function readFrontMatter(text: string): Record<string, string> | undefined {
  const m = FRONT_MATTER.exec(text);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const l of (m[1] ?? '').split('\n')) {
    const kv = /^([\w.-]+)\s*:\s*(.*?)\s*$/.exec(l);
    if (kv) out[kv[1] ?? ''] = (kv[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/** Every `[text](target)` of a piece of Markdown, in order. */
export function readLinks(markdown: string): DocLink[] {
  return [...markdown.matchAll(LINKS)].map((m) => ({ text: m[1] ?? '', target: m[2] ?? '' }));
}

/** A cell or heading as plain text: links become their text, `**`, HTML breaks and `&#124;` are undone. */
export function plainText(markdown: string): string {
  return markdown
    .replace(LINKS, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/&#124;/g, '|')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** GitHub's heading anchor: lower case, punctuation but `-` and `_` dropped, each space a `-`. */
export function headingAnchor(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

function tableCells(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, '|').trim());
}

/** Headings, tables and fenced blocks of a page, in one pass over its lines (tables and headings in fences are text). */
export function scanMarkdown(text: string): { headings: DocHeading[]; tables: DocTable[]; fences: DocFence[] } {
  const lines = text.split('\n');
  const headings: DocHeading[] = [];
  const tables: DocTable[] = [];
  const fences: DocFence[] = [];
  let intro: string[] = [];
  const front = FRONT_MATTER.exec(text);
  for (let i = front ? front[0].split('\n').length - 1 : 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    const open = FENCE.exec(l);
    if (open) {
      const fence = open[1] ?? '```';
      let close = i + 1;
      while (close < lines.length && (lines[close] ?? '').trim() !== fence) close++;
      fences.push({ info: l.trim().slice(3).trim(), line: i + 1, contentLine: i + 2, content: lines.slice(i + 1, close).join('\n') });
      i = close;
      intro = [];
      continue;
    }
    const h = HEADING.exec(l);
    if (h) {
      const heading = plainText(h[2] ?? '');
      headings.push({ level: (h[1] ?? '').length, text: heading, anchor: headingAnchor(heading), line: i + 1 });
      intro = [];
    } else if (l.includes('|') && DELIMITER_ROW.test(lines[i + 1] ?? '') && (lines[i + 1] ?? '').includes('-')) {
      const table: DocTable = { header: tableCells(l), rows: [], line: i + 1, heading: headings[headings.length - 1], intro: intro.join(' ') };
      for (i += 2; i < lines.length && (lines[i] ?? '').trim().startsWith('|'); i++) table.rows.push({ cells: tableCells(lines[i] ?? ''), line: i + 1 });
      tables.push(table);
      intro = [];
      i--;
    } else if (l.trim() !== '') intro.push(l.trim());
  }
  return { headings, tables, fences };
}

/** Parses a Graph documentation page into its annotated examples; never throws on a malformed page. */
export function loadDocPage(markdown: string, file: string): DocPage {
  const text = markdown.replace(/\r\n?/g, '\n');
  const findings: DocFinding[] = [];
  const blocks = findAnnotatedBlocks(text, findings);
  const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? file;
  const examples: DocExample[] = [];
  const unpaired: DocExample[] = [];
  const names = new Set<string>();
  for (const block of blocks) {
    const type = block.annotation.blockType;
    const before = findings.length;
    if (type === 'request') {
      const { request, ok } = parseRequestBlock(block.content, block.contentLine, findings);
      const name = uniqueName(typeof block.annotation.name === 'string' ? block.annotation.name : `example-${examples.length + 1}`, names, block.line, findings);
      names.add(name);
      const example: DocExample = {
        name,
        request,
        requestAnnotation: block.annotation,
        response: undefined,
        responseAnnotation: undefined,
        replayable: ok,
        problems: findings.slice(before).map((f) => f.message),
        line: block.line,
        requestLine: block.contentLine,
        responseLine: undefined,
      };
      examples.push(example);
      unpaired.push(example);
    } else if (type === 'response') {
      const { response, ok } = parseResponseBlock(block.content, block.contentLine, findings);
      const byName = block.annotation.name !== undefined ? unpaired.find((e) => e.name === block.annotation.name) : undefined;
      const example = byName ?? unpaired[0];
      if (!example) {
        findings.push({ line: block.line, rule: 'response-without-request', message: 'response block has no request to pair with' });
        continue;
      }
      unpaired.splice(unpaired.indexOf(example), 1);
      example.response = response;
      example.responseAnnotation = block.annotation;
      example.responseLine = block.contentLine;
      example.replayable = example.replayable && ok;
      example.problems.push(...findings.slice(before).map((f) => f.message));
    }
  }
  for (const e of unpaired) {
    findings.push({ line: e.line, rule: 'request-without-response', message: `request '${e.name}' has no response block` });
    e.replayable = false;
    e.problems.push('it has no response block');
  }
  return { file, title, text, frontMatter: readFrontMatter(text), ...scanMarkdown(text), blocks, examples, httpRequestLines: findHttpRequestLines(blocks), findings };
}

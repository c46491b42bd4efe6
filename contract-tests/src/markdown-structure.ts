import type { DocFence, DocHeading, DocLink, DocTable } from './doc-page';

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

import type { AnnotatedBlock, BlockAnnotation, DocFinding, HttpRequestLine } from './doc-page';

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

const REQUEST_LINE = /^\s*(GET|POST|PATCH|PUT|DELETE)\s+(\S+)/;

/** The request lines of `ignored` http blocks: the page's "HTTP request" section. */
export function findHttpRequestLines(blocks: readonly AnnotatedBlock[]): HttpRequestLine[] {
  return blocks
    .filter((b) => b.annotation.blockType === 'ignored' && /^(http)?$/i.test(b.info))
    .flatMap((b) =>
      b.content.split('\n').flatMap((l, i) => {
        const m = REQUEST_LINE.exec(l);
        return m ? [{ method: m[1] ?? '', url: m[2] ?? '', line: b.contentLine + i }] : [];
      }),
    );
}

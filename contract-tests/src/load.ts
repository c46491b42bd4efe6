import { findAnnotatedBlocks, findHttpRequestLines } from './annotated-blocks';
import type { DocExample, DocFinding, DocPage } from './doc-page';
import { readFrontMatter, scanMarkdown } from './markdown-structure';
import { parseRequestBlock, parseResponseBlock } from './message-blocks';

/** A unique example name: a repeated one gets `#2`, `#3`, … and a finding. */
function uniqueName(wanted: string, taken: Set<string>, line: number, findings: DocFinding[]): string {
  if (!taken.has(wanted)) return wanted;
  let n = 2;
  while (taken.has(`${wanted}#${n}`)) n++;
  findings.push({ line, rule: 'duplicate-example-name', message: `the example name '${wanted}' is used more than once; this one is reported as '${wanted}#${n}'` });
  return `${wanted}#${n}`;
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

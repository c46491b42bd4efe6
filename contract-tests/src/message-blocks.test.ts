import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAnnotatedBlocks } from './annotated-blocks';
import type { DocFinding } from './doc-page';
import { parseRequestBlock } from './message-blocks';

const SEED = readFileSync(join(__dirname, '..', 'docs', 'add-ipsecurityprofiles.md'), 'utf8');
const requestBlockOf = (text: string) => findAnnotatedBlocks(text).find((b) => b.annotation.blockType === 'request')!;

describe('parseRequestBlock', () => {
  test('parses the request line, headers and JSON body', () => {
    const block = requestBlockOf(SEED);
    const findings: DocFinding[] = [];
    const { request, ok } = parseRequestBlock(block.content, block.contentLine, findings);
    expect([ok, findings]).toEqual([true, []]);
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://graph.microsoft.com/docs\\api/Security/ipSecurityProfiles');
    expect(request.headers).toEqual([
      ['Content-type', 'application/json'],
      ['Content-length', '1197'],
    ]);
    expect((request.body as Record<string, unknown>).countHits).toBe(9);
  });

  test('a body that is not JSON is a finding and not ok, never a crash', () => {
    const block = requestBlockOf(SEED.replace('"countHits": 9,', '"countHits": 9,,'));
    const findings: DocFinding[] = [];
    expect(parseRequestBlock(block.content, block.contentLine, findings).ok).toBe(false);
    expect(findings.map((f) => f.rule)).toEqual(['body-json']);
  });
});

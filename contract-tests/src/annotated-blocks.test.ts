import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAnnotatedBlocks, findHttpRequestLines } from './annotated-blocks';
import type { DocFinding } from './doc-page';

const SEED = readFileSync(join(__dirname, '..', 'docs', 'add-ipsecurityprofiles.md'), 'utf8');

describe('findAnnotatedBlocks', () => {
  test("finds the seed page's three annotated blocks and the request line of its HTTP request section", () => {
    const findings: DocFinding[] = [];
    const blocks = findAnnotatedBlocks(SEED, findings);
    expect(blocks.map((b) => [b.annotation.blockType, b.info])).toEqual([
      ['ignored', 'http'],
      ['request', 'http'],
      ['response', 'http'],
    ]);
    expect(findings).toEqual([]);
    expect(findHttpRequestLines(blocks).map((l) => `${l.method} ${l.url}`)).toEqual(['POST /Security/ipSecurityProfiles/$ref']);
  });
});

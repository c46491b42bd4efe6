import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../server/src/package-root';

// json-schema-to-typescript cannot load inside Jest's VM (Prettier uses import()), so the generator runs as a child.
function runCheck(file?: string) {
  const args = [join('scripts', 'run-ts.js'), join('scripts', 'generate-types.ts'), '--check', ...(file ? [file] : [])];
  return spawnSync(process.execPath, args, { cwd: packageRoot(), encoding: 'utf8' });
}

const committed = () => readFileSync(join(packageRoot(), 'generated', 'graph.ts'), 'utf8');

describe('generated/graph.ts', () => {
  test('is what the schemas generate today (else run `npm run generate`)', () => {
    const result = runCheck();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('a stale copy fails the check, naming `npm run generate`', () => {
    const stale = join(mkdtempSync(join(tmpdir(), 'mockgraph-')), 'graph.ts');
    writeFileSync(stale, committed().replace('countHits?: (number | null);', 'countHits?: string;'));
    const result = runCheck(stale);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm run generate');
  });

  test('declares one type per Graph schema and each OData envelope', () => {
    for (const name of ['IpSecurityProfile', 'IpCategory', 'IpReferenceData', 'SecurityVendorInformation', 'Entity', 'GraphErrorBody', 'ODataCollection', 'ODataReference']) {
      expect(committed()).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
  });
});

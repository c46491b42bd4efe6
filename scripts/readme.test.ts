import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINT_RULES } from '../contract-tests/src/lint';
import { GRAPH_ERROR_CATALOG } from '../server/src/graph/errors';
import { packageRoot } from '../server/src/package-root';

const README = readFileSync(join(packageRoot(), 'README.md'), 'utf8');

describe('README.md', () => {
  test('the error table lists exactly the catalog: code, status and when', () => {
    const rows = [...README.matchAll(/^\| `(\w+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const catalog = Object.entries(GRAPH_ERROR_CATALOG).map(([code, entry]) => [code, entry.status, entry.when]);
    expect(rows.sort()).toEqual(catalog.sort());
  });

  test('the lint-docs table lists exactly the rules, with their severities', () => {
    const rows = [...README.matchAll(/^\| `([a-z-]+)` \| (error|warning|info) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(Object.entries(LINT_RULES).map(([rule, r]) => [rule, r.severity, r.what]));
  });

  test('the quick start is two one-line commands: one serves, one tests', () => {
    expect(README).toContain('npm install && npm start');
    expect(README).toContain('npm install && npm test');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LINT_RULES } from '../contract-tests/src/lint';
import { IMPORT_RULES } from '../contract-tests/src/import/types';
import { SETTINGS } from '../server/src/cli/settings';
import { GRAPH_ERROR_CATALOG } from '../server/src/graph/errors';
import { packageRoot } from '../server/src/package-root';

/** A Markdown file of the repository, by its path from the root. */
function page(path: string): string {
  return readFileSync(join(packageRoot(), path), 'utf8');
}

const README = page('README.md');

describe('README.md', () => {
  test('the quick start is exactly two one-line commands: one serves, one tests', () => {
    const section = README.split(/^## /m).find((s) => s.startsWith('Quick start\n')) ?? '';
    const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? '';
    const commands = block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm install && npm start', 'npm install && npm test']);
  });
});

describe('the reference tables in docs/ match the code', () => {
  test('docs/errors.md lists exactly the catalog: code, status and when', () => {
    const rows = [...page('docs/errors.md').matchAll(/^\| `(\w+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const catalog = Object.entries(GRAPH_ERROR_CATALOG).map(([code, entry]) => [code, entry.status, entry.when]);
    expect(rows.sort()).toEqual(catalog.sort());
  });

  test('docs/lint-docs.md lists exactly the lint rules, with their severities', () => {
    const rows = [...page('docs/lint-docs.md').matchAll(/^\| `([a-z-]+)` \| (error|warning|info) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(Object.entries(LINT_RULES).map(([rule, r]) => [rule, r.severity, r.what]));
  });

  test("docs/add-a-resource.md lists exactly the importer's finding rules", () => {
    const findings = page('docs/add-a-resource.md').split(/^## Findings$/m)[1] ?? '';
    const rows = [...findings.matchAll(/^\| `([a-z-]+)` \| (.+) \|$/gm)].map((m) => [m[1], (m[2] ?? '').replace(/\\\|/g, '|')]);
    expect(rows).toEqual(Object.entries(IMPORT_RULES));
  });

  test('docs/configuration.md lists every serve setting: flag, environment variable and config key', () => {
    const rows = [...page('docs/configuration.md').matchAll(/^\| `--([a-z-]+)[^`]*` \| `(\w+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows.sort()).toEqual(SETTINGS.map((s) => [s.flag, s.env, s.key]).sort());
  });
});

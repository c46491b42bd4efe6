import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../server/src/package-root';

const ROOT = packageRoot();

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every `import … from '…'` of a file: [specifier, whether it is `import type`]. */
function imports(file: string): Array<[string, boolean]> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^import (type )?[^;]*?from '([^']+)';/gms)].map((m) => [m[2] ?? '', m[1] !== undefined]);
}

const server = sources('server/src');

describe('architecture (STYLE.md)', () => {
  test('only server/src/http imports express', () => {
    const offenders = server.filter((f) => !f.startsWith(join('server', 'src', 'http')) && f !== join('server', 'src', 'app.ts'));
    expect(offenders.filter((f) => imports(f).some(([spec]) => spec === 'express'))).toEqual([]);
  });

  test('generated/ is imported with `import type` only', () => {
    const bad = [...server, ...sources('contract-tests/src')].filter((f) => imports(f).some(([spec, isType]) => spec.includes('generated/') && !isType));
    expect(bad).toEqual([]);
    expect(server.some((f) => imports(f).some(([spec]) => spec.includes('generated/graph')))).toBe(true);
  });

  test('contract-tests reach the server only through server/src/index.ts', () => {
    const bad = sources('contract-tests/src').flatMap((f) => imports(f).filter(([spec]) => spec.includes('server/src/') && !spec.endsWith('server/src/index')).map(([spec]) => `${f}: ${spec}`));
    expect(bad).toEqual([]);
  });

  test('only main.ts reads process.env or argv, and only it listens', () => {
    const bad = server.filter((f) => !f.endsWith('main.ts') && /process\.(env|argv)|\.listen\(/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bad.map((f) => relative(ROOT, join(ROOT, f)))).toEqual([]);
  });

  test('no server module names a particular resource: everything resource-specific comes from schemas/', () => {
    const served = readdirSync(join(ROOT, 'schemas', 'graph'))
      .map((f) => JSON.parse(readFileSync(join(ROOT, 'schemas', 'graph', f), 'utf8')) as { 'x-odataType'?: string; 'x-entitySet'?: { path: string; permissions?: { read: string[]; write: string[] } } })
      .filter((s) => s['x-entitySet'] !== undefined);
    const names = served.flatMap((s) => [String(s['x-odataType']).split('.').pop() ?? '', ...(s['x-entitySet']?.path.split('/').slice(-1) ?? []), ...(s['x-entitySet']?.permissions?.write ?? []).map((p) => p.split('.')[0] ?? '')]);
    expect(names.length).toBeGreaterThan(0);
    const pattern = new RegExp(names.filter(Boolean).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
    const bad = server.filter((f) => !f.endsWith('test-data.ts')).filter((f) => pattern.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  test('the store and the Graph model never import the HTTP layer', () => {
    const lower = server.filter((f) => /server\/src\/(store|graph|odata)\//.test(f.split('\\').join('/')));
    expect(lower.filter((f) => imports(f).some(([spec]) => spec.includes('/http/')))).toEqual([]);
  });
});

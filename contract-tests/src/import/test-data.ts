/** Test helpers for the importer: pages by repository path, imports with the built-in schemas, compiling the output (excluded from the build as test-data.ts). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGraphDefinition } from '../../../server/src/index';
import { importDocs, referencedSchemas } from './import';
import type { ImportResult } from './import';
import type { KnownSchema } from './model';
import { FS_READER } from './pages';
import type { PageReader } from './pages';
import { createSchemaChecker } from './schema-check';

/** The repository root: pages are named relative to it, as the CLI names them relative to the working folder. */
export const ROOT = join(__dirname, '..', '..', '..');

/** Reads linked pages relative to the repository root. */
export const ROOT_READER: PageReader = { read: (f) => FS_READER.read(join(ROOT, f)), list: (d) => FS_READER.list(join(ROOT, d)) };

/** mockgraph's own schemas, as the CLI passes them for an import into schemas/ (its imported files left out). */
export function builtIns(): KnownSchema[] {
  const all = loadGraphDefinition().files.map((f) => ({ id: f.id, file: f.file, schema: f.schema as Record<string, unknown> }));
  return referencedSchemas(all, join(ROOT, 'schemas'), ROOT);
}

/** Pages by repository-relative path; a folder gives its `*.md` files (README.md left out). */
export function pagesAt(...paths: string[]): Array<{ file: string; text: string }> {
  return paths.flatMap((p) => {
    const files = p.endsWith('.md') ? [p] : readdirSync(join(ROOT, p)).filter((n) => n.endsWith('.md') && n !== 'README.md' && n !== 'SOURCES.md').map((n) => `${p}/${n}`);
    return files.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
  });
}

/** Imports pages with the root reader. */
export function importPages(pages: ReadonlyArray<{ file: string; text: string }>, known: readonly KnownSchema[] = builtIns()): ImportResult {
  return importDocs({ pages, known, reader: ROOT_READER });
}

/** The emitted schema of a path (`graph/widget.schema.json`), parsed. */
export function schemaAt(result: ImportResult, path: string): Record<string, any> {
  const file = result.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} among ${result.files.map((f) => f.path).join(', ')}`);
  return JSON.parse(file.text) as Record<string, any>;
}

/** Compiles every emitted schema beside the known ones, as the server would: compile errors and invalid examples. */
export function compileAll(result: ImportResult, known: readonly KnownSchema[] = builtIns()): { errors: string[]; invalidExamples: string[] } {
  const emitted = result.files.map((f) => JSON.parse(f.text) as Record<string, unknown>).map((schema) => ({ id: String(schema.$id), schema }));
  const checker = createSchemaChecker([...known.filter((k) => !emitted.some((e) => e.id === k.id)).map((k) => ({ id: k.id, schema: k.schema })), ...emitted]);
  const invalidExamples = emitted.flatMap((e) => ((e.schema.examples as unknown[] | undefined) ?? []).flatMap((x, i) => checker.check(e.id, x).map((m) => `${e.id} examples[${i}]: ${m}`)));
  return { errors: checker.errors.map((e) => `${e.id}: ${e.message}`), invalidExamples };
}
